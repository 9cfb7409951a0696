package org.jsfu.core.sdp;

/** Media direction attributes (RFC 8866 §6.7, RFC 3264 §5.1/§6.1). */
public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    public String attributeName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Returns the direction for an attribute name, or null when the name is not a direction. */
    public static Direction fromAttribute(String name) {
        switch (name) {
            case "sendrecv": return SENDRECV;
            case "sendonly": return SENDONLY;
            case "recvonly": return RECVONLY;
            case "inactive": return INACTIVE;
            default: return null;
        }
    }

    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }
}
