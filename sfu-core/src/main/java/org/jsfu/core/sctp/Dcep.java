package org.jsfu.core.sctp;

import java.nio.charset.StandardCharsets;

/** The Data Channel Establishment Protocol messages (RFC 8832 5) and WebRTC PPIDs (RFC 8831 8). */
public final class Dcep {
    public static final int PPID_DCEP = 50;
    public static final int PPID_STRING = 51;
    public static final int PPID_BINARY = 53;
    public static final int PPID_STRING_EMPTY = 56;
    public static final int PPID_BINARY_EMPTY = 57;

    static final int DATA_CHANNEL_ACK = 0x02;
    static final int DATA_CHANNEL_OPEN = 0x03;
    /** Channel types (RFC 8832 5.1); 0x80 marks unordered. */
    static final int RELIABLE = 0x00;
    static final int PARTIAL_RELIABLE_REXMIT = 0x01;
    static final int PARTIAL_RELIABLE_TIMED = 0x02;
    static final int UNORDERED = 0x80;
    static final int MAX_LABEL = 1024;

    /** A parsed DATA_CHANNEL_OPEN. {@code maxRetransmits} is -1 for reliable (or timed) channels. */
    public record Open(int channelType, String label, String protocol, boolean ordered, int maxRetransmits) {
    }

    private Dcep() {
    }

    static byte[] open(String label, boolean ordered, int maxRetransmits) {
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        byte[] m = new byte[12 + l.length];
        m[0] = DATA_CHANNEL_OPEN;
        int type = (maxRetransmits >= 0 ? PARTIAL_RELIABLE_REXMIT : RELIABLE) | (ordered ? 0 : UNORDERED);
        m[1] = (byte) type;
        Chunks.put16(m, 2, 0);
        Chunks.put32(m, 4, Math.max(0, maxRetransmits));
        Chunks.put16(m, 8, l.length);
        Chunks.put16(m, 10, 0);
        System.arraycopy(l, 0, m, 12, l.length);
        return m;
    }

    /** Parses DATA_CHANNEL_OPEN, or null when malformed (lengths past the message, overlong label). */
    static Open parseOpen(byte[] b) {
        if (b.length < 12 || b[0] != DATA_CHANNEL_OPEN) {
            return null;
        }
        int type = b[1] & 0xff;
        long rel = Chunks.u32(b, 4);
        int ll = Chunks.u16(b, 8);
        int pl = Chunks.u16(b, 10);
        if (ll > MAX_LABEL || pl > MAX_LABEL || 12 + ll + pl > b.length) {
            return null;
        }
        int base = type & 0x7f;
        if (base != RELIABLE && base != PARTIAL_RELIABLE_REXMIT && base != PARTIAL_RELIABLE_TIMED) {
            return null;
        }
        String label = new String(b, 12, ll, StandardCharsets.UTF_8);
        String protocol = new String(b, 12 + ll, pl, StandardCharsets.UTF_8);
        int maxRtx = base == PARTIAL_RELIABLE_REXMIT ? (int) Math.min(Integer.MAX_VALUE, rel) : -1;
        return new Open(type, label, protocol, (type & UNORDERED) == 0, maxRtx);
    }
}
