package org.jsfu.core.rtcp;

/** Picture Loss Indication (RFC 4585 section 6.3.1): PSFB, FMT 1, no FCI. */
public final class Pli {
    public static final int LENGTH = Rtcp.FB_HEADER;

    private Pli() {
    }

    public static boolean isPli(byte[] b, int off, int len) {
        return len >= LENGTH && Rtcp.packetType(b, off) == Rtcp.PSFB && Rtcp.count(b, off) == Rtcp.FMT_PLI;
    }

    public static int write(byte[] b, int off, int senderSsrc, int mediaSsrc) {
        Rtcp.writeHeader(b, off, Rtcp.FMT_PLI, Rtcp.PSFB, LENGTH);
        Rtcp.writeInt(b, off + 4, senderSsrc);
        Rtcp.writeInt(b, off + 8, mediaSsrc);
        return LENGTH;
    }
}
