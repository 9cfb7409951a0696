package org.jsfu.core.dtls;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class ChangeCipherSpecGateTest {
    static byte[] record(int type, int epoch, byte[] body) {
        byte[] r = new byte[13 + body.length];
        r[0] = (byte) type;
        r[1] = (byte) 0xFE;
        r[2] = (byte) 0xFD;
        r[4] = (byte) epoch;
        r[11] = (byte) (body.length >> 8);
        r[12] = (byte) body.length;
        System.arraycopy(body, 0, r, 13, body.length);
        return r;
    }

    /** One handshake fragment (RFC 6347 4.2.2) of a message of {@code length} bytes. */
    static byte[] fragment(int msgType, int length, int seq, int offset, int fragLen) {
        byte[] f = new byte[12 + fragLen];
        f[0] = (byte) msgType;
        f[3] = (byte) length;
        f[5] = (byte) seq;
        f[8] = (byte) offset;
        f[11] = (byte) fragLen;
        return f;
    }

    static byte[] hs(int msgType, int length, int seq, int offset, int fragLen) {
        return record(22, 0, fragment(msgType, length, seq, offset, fragLen));
    }

    static final byte[] CCS = record(20, 0, new byte[] {1});
    static final byte[] FINISHED = record(22, 1, new byte[40]);

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    @Test
    void serverHoldsChangeCipherSpecAndFinishedUntilCertificateVerify() {
        ChangeCipherSpecGate g = new ChangeCipherSpecGate(true);
        byte[] cke = hs(16, 66, 2, 0, 66);
        g.push(concat(hs(11, 300, 1, 0, 300), cke)); // two records in one datagram are split
        assertEquals(13 + 12 + 300, g.poll().length);
        assertArrayEquals(cke, g.poll());
        g.push(CCS); // CertificateVerify lost: held
        g.push(FINISHED);
        assertNull(g.poll());
        assertFalse(g.released());
        byte[] cv = hs(15, 72, 3, 0, 72); // from the retransmitted flight
        g.push(cv);
        assertArrayEquals(cv, g.poll());
        assertArrayEquals(CCS, g.poll());
        assertArrayEquals(FINISHED, g.poll());
        assertNull(g.poll());
        assertTrue(g.released());
        g.push(FINISHED);
        assertArrayEquals(FINISHED, g.poll(), "passes everything once released");
    }

    @Test
    void fragmentedCertificateVerifyCountsOnlyWhenCovered() {
        ChangeCipherSpecGate g = new ChangeCipherSpecGate(true);
        g.push(hs(16, 66, 2, 0, 66));
        g.push(hs(15, 72, 3, 40, 32)); // second half first: not remembered past the gap
        g.push(hs(15, 72, 3, 0, 40));
        g.push(CCS);
        while (g.poll() != null) {
            // drain the handshake records
        }
        assertFalse(g.released(), "40..72 must be seen after 0..40");
        g.push(hs(15, 72, 3, 40, 32));
        assertNotNull(g.poll());
        assertArrayEquals(CCS, g.poll());
        assertTrue(g.released());
    }

    @Test
    void clientBuffersAFinishedThatOvertakesTheChangeCipherSpec() {
        ChangeCipherSpecGate g = new ChangeCipherSpecGate(false);
        g.push(FINISHED);
        assertNull(g.poll());
        g.push(CCS);
        assertArrayEquals(CCS, g.poll());
        assertArrayEquals(FINISHED, g.poll());
        assertTrue(g.released());
    }

    @Test
    void malformedTailIsPassedForTheRecordLayerToDrop() {
        ChangeCipherSpecGate g = new ChangeCipherSpecGate(false);
        byte[] bad = concat(CCS, new byte[] {22, (byte) 0xFE, (byte) 0xFD, 0, 0});
        g.push(bad);
        assertArrayEquals(CCS, g.poll());
        assertEquals(5, g.poll().length);
    }
}
