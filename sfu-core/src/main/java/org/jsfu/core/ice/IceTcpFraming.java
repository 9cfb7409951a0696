package org.jsfu.core.ice;

/**
 * ICE-TCP framing (RFC 6544 3, RFC 4571 2): every STUN/DTLS/RTP packet on the TCP stream is
 * preceded by a 16-bit big-endian length, so a frame is at most 65535 bytes.
 *
 * <p>{@link #encode} writes one frame; a {@link Decoder} reassembles frames from arbitrary stream
 * chunks with a bounded buffer. There is no resynchronisation marker in RFC 4571, so garbage can
 * only produce wrong frames, never an exception or an unbounded buffer: frames longer than the
 * decoder's limit are skipped, zero-length frames are ignored.
 */
public final class IceTcpFraming {
    public static final int MAX_FRAME = 0xFFFF;

    private IceTcpFraming() {
    }

    /** Writes the 2-byte length and the payload to {@code out} at {@code outOff}; returns bytes written or -1. */
    public static int encode(byte[] payload, int off, int len, byte[] out, int outOff) {
        if (len < 0 || len > MAX_FRAME) throw new IllegalArgumentException("frame length " + len);
        if (outOff < 0 || outOff > out.length - 2 - len) return -1;
        out[outOff] = (byte) (len >>> 8);
        out[outOff + 1] = (byte) len;
        System.arraycopy(payload, off, out, outOff + 2, len);
        return len + 2;
    }

    /** Receives the frames found by a {@link Decoder}; the buffer is only valid during the call. */
    @FunctionalInterface
    public interface FrameSink {
        void onFrame(byte[] buf, int off, int len);
    }

    /** Incremental decoder for one TCP connection. Not thread safe. */
    public static final class Decoder {
        private final byte[] buf;
        private final int maxFrame;
        private int headerBytes;   // 0..2 bytes of the length prefix read so far
        private int frameLen;      // length of the frame being read
        private int have;          // payload bytes buffered
        private int skip;          // bytes still to discard of an oversized frame
        private long framesSkipped;

        /** @param maxFrame largest frame delivered (1..65535); longer frames are discarded */
        public Decoder(int maxFrame) {
            if (maxFrame < 1 || maxFrame > MAX_FRAME) throw new IllegalArgumentException("maxFrame " + maxFrame);
            this.maxFrame = maxFrame;
            this.buf = new byte[maxFrame];
        }

        public Decoder() {
            this(MAX_FRAME);
        }

        /** Consumes a chunk of the stream, calling {@code sink} for each complete frame; returns frames delivered. */
        public int feed(byte[] b, int off, int len, FrameSink sink) {
            int end = off + len;
            int delivered = 0;
            int p = off;
            while (p < end) {
                if (skip > 0) {
                    int n = Math.min(skip, end - p);
                    skip -= n;
                    p += n;
                    continue;
                }
                if (headerBytes < 2) {
                    frameLen = (frameLen << 8) | (b[p++] & 0xFF);
                    if (++headerBytes < 2) continue;
                    frameLen &= 0xFFFF;
                    have = 0;
                    if (frameLen == 0) {
                        resetHeader();
                    } else if (frameLen > maxFrame) {
                        skip = frameLen;
                        framesSkipped++;
                        resetHeader();
                    }
                    continue;
                }
                int n = Math.min(frameLen - have, end - p);
                System.arraycopy(b, p, buf, have, n);
                have += n;
                p += n;
                if (have == frameLen) {
                    int l = frameLen;
                    resetHeader();
                    delivered++;
                    sink.onFrame(buf, 0, l);
                }
            }
            return delivered;
        }

        private void resetHeader() {
            headerBytes = 0;
            frameLen = 0;
            have = 0;
        }

        /** Frames discarded because they exceeded the limit. */
        public long framesSkipped() {
            return framesSkipped;
        }

        /** True while a frame (or its prefix, or an oversized frame being skipped) is incomplete. */
        public boolean midFrame() {
            return headerBytes > 0 || have > 0 || skip > 0;
        }
    }
}
