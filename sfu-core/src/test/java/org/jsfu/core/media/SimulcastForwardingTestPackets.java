package org.jsfu.core.media;

import org.jsfu.core.rtp.RtpHeader;

/** VP8 RTP packets for tests: a descriptor with a 15-bit picture ID, TL0PICIDX, TID 0, then filler. */
final class SimulcastForwardingTestPackets {
    private SimulcastForwardingTestPackets() {
    }

    /** {@code size} bytes in all (at least 22); {@code key}: a VP8 key frame's first packet. */
    static byte[] vp8(int ssrc, int seq, long ts, boolean key, int pid, int size) {
        byte[] b = new byte[Math.max(22, size)];
        b[0] = (byte) 0x80;
        b[1] = 96;
        RtpHeader.setSequence(b, 0, seq & 0xffff);
        RtpHeader.setTimestamp(b, 0, ts & 0xffffffffL);
        RtpHeader.setSsrc(b, 0, ssrc);
        pid &= 0x7fff;
        b[12] = (byte) 0x90; // X, S
        b[13] = (byte) 0xE0; // I, L, T
        b[14] = (byte) (0x80 | (pid >> 8));
        b[15] = (byte) pid;
        b[16] = (byte) pid;
        b[17] = 0x20; // TID 0, Y
        b[18] = (byte) (key ? 0x50 : 0x51); // VP8 payload header: P=0 on a key frame
        return b;
    }

    static byte[] vp8(int ssrc, int seq, long ts, boolean key, int pid) {
        return vp8(ssrc, seq, ts, key, pid, 22);
    }
}
