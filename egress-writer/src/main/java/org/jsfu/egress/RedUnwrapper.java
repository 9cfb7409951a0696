package org.jsfu.egress;

/**
 * Parses an RTP payload in the RED format (RFC 2198 section 3) as browsers send it for Opus
 * ("audio/red"): a list of block headers, then the block data in the same order. Redundant block
 * headers are 4 bytes {F=1, block PT (7 bits), timestamp offset (14 bits), block length (10 bits)}; the
 * last header is 1 byte {F=0, PT} and describes the primary block, whose length is what remains.
 *
 * <p>Results go into a reusable {@link Blocks}; no allocation per packet.
 */
public final class RedUnwrapper {
    /** Maximum blocks handled; browsers send the primary plus at most 2 redundant ones. */
    public static final int MAX_BLOCKS = 8;

    /** Parsed blocks; index {@code count-1} is the primary, earlier ones are the oldest first. */
    public static final class Blocks {
        public final int[] offset = new int[MAX_BLOCKS];
        public final int[] length = new int[MAX_BLOCKS];
        public final int[] tsOffset = new int[MAX_BLOCKS];
        public final int[] payloadType = new int[MAX_BLOCKS];
        public int count;

        public int primaryOffset() { return offset[count - 1]; }
        public int primaryLength() { return length[count - 1]; }
    }

    private RedUnwrapper() {}

    /**
     * Parses {@code len} bytes at {@code off}.
     *
     * @return true when the payload is well formed (all lengths inside the payload), false otherwise
     */
    public static boolean parse(byte[] b, int off, int len, Blocks out) {
        out.count = 0;
        int end = off + len;
        int p = off;
        int n = 0;
        int dataTotal = 0;
        while (true) {
            if (p >= end || n == MAX_BLOCKS) return false;
            int first = b[p] & 0xff;
            if ((first & 0x80) == 0) { // last header: primary
                out.payloadType[n] = first & 0x7f;
                out.tsOffset[n] = 0;
                p += 1;
                n++;
                break;
            }
            if (p + 4 > end) return false;
            out.payloadType[n] = first & 0x7f;
            out.tsOffset[n] = ((b[p + 1] & 0xff) << 6) | ((b[p + 2] & 0xff) >>> 2);
            out.length[n] = ((b[p + 2] & 0x03) << 8) | (b[p + 3] & 0xff);
            dataTotal += out.length[n];
            p += 4;
            n++;
        }
        if (p + dataTotal > end) return false;
        for (int i = 0; i < n - 1; i++) {
            out.offset[i] = p;
            p += out.length[i];
        }
        out.offset[n - 1] = p;
        out.length[n - 1] = end - p;
        out.count = n;
        return true;
    }
}
