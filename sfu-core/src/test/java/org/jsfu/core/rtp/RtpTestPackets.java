package org.jsfu.core.rtp;

import java.io.ByteArrayOutputStream;

/** Builds RTP packets byte by byte for tests. */
final class RtpTestPackets {
    private RtpTestPackets() {
    }

    static byte[] packet(int pt, int seq, long ts, int ssrc, boolean marker, int[] csrcs, byte[] ext,
                         int extProfile, byte[] payload, int padding) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int b0 = 0x80 | (padding > 0 ? 0x20 : 0) | (ext != null ? 0x10 : 0) | csrcs.length;
        o.write(b0);
        o.write((marker ? 0x80 : 0) | pt);
        o.write(seq >> 8);
        o.write(seq);
        writeInt(o, ts);
        writeInt(o, ssrc);
        for (int c : csrcs) {
            writeInt(o, c);
        }
        if (ext != null) {
            o.write(extProfile >> 8);
            o.write(extProfile);
            o.write((ext.length / 4) >> 8);
            o.write(ext.length / 4);
            o.writeBytes(ext);
        }
        o.writeBytes(payload);
        for (int i = 1; i < padding; i++) {
            o.write(0);
        }
        if (padding > 0) {
            o.write(padding);
        }
        return o.toByteArray();
    }

    static byte[] simple(int seq, long ts, int ssrc, int payloadLen) {
        byte[] payload = new byte[payloadLen];
        for (int i = 0; i < payloadLen; i++) {
            payload[i] = (byte) (seq + i);
        }
        return packet(111, seq, ts, ssrc, false, new int[0], null, 0, payload, 0);
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static void writeInt(ByteArrayOutputStream o, long v) {
        o.write((int) (v >> 24));
        o.write((int) (v >> 16));
        o.write((int) (v >> 8));
        o.write((int) v);
    }
}
