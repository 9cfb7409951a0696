package org.jsfu.core.sdp;

/** Thrown when an SDP text is malformed, too large or violates a constraint this package relies on. */
public final class SdpParseException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SdpParseException(String message) {
        super(message);
    }
}
