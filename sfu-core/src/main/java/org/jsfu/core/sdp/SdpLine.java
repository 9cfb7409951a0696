package org.jsfu.core.sdp;

/** A non-attribute SDP line {@code <type>=<value>} (RFC 8866 §5), e.g. {@code c=IN IP4 0.0.0.0}. */
public record SdpLine(char type, String value) {
    @Override
    public String toString() {
        return type + "=" + value;
    }
}
