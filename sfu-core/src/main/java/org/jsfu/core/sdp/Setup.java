package org.jsfu.core.sdp;

/** The {@code a=setup} attribute (RFC 4145 §4, RFC 8842 §5). */
public enum Setup {
    ACTIVE, PASSIVE, ACTPASS, HOLDCONN;

    public String sdpValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Setup fromSdp(String value) {
        switch (value.trim()) {
            case "active": return ACTIVE;
            case "passive": return PASSIVE;
            case "actpass": return ACTPASS;
            case "holdconn": return HOLDCONN;
            default: throw new SdpParseException("unknown a=setup value '" + value.trim() + "'");
        }
    }
}
