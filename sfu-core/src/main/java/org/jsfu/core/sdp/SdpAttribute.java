package org.jsfu.core.sdp;

import java.util.Objects;

/**
 * One {@code a=} line (RFC 8866 §5.13): a property attribute ({@code value == null}) or a value
 * attribute {@code name:value}. The value is kept verbatim (including leading spaces) so that
 * serialisation round-trips.
 */
public record SdpAttribute(String name, String value) {
    public SdpAttribute {
        Objects.requireNonNull(name, "name");
    }

    public static SdpAttribute flag(String name) {
        return new SdpAttribute(name, null);
    }

    public static SdpAttribute of(String name, Object value) {
        return new SdpAttribute(name, String.valueOf(value));
    }

    static SdpAttribute parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new SdpAttribute(text, null);
        }
        return new SdpAttribute(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The value with surrounding whitespace removed, or "" for a property attribute. */
    public String trimmedValue() {
        return value == null ? "" : value.trim();
    }

    @Override
    public String toString() {
        return value == null ? name : name + ":" + value;
    }
}
