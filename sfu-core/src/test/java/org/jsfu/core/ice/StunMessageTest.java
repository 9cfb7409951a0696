package org.jsfu.core.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StunMessageTest {
    static final String PWD = "VOkJxbRl1RmTxUk/WvJxBt";
    // RFC 5769 2.1 sample request (SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MESSAGE-INTEGRITY, FINGERPRINT).
    static final byte[] REQUEST = hex("000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c6965"
            + "6e74002400046e0001ff80290008932ff9b151263b36000600096576746a3a68367659202020000800149aeaa70cbfd8cb56"
            + "781ef2b5b2d3f249c1b571a280280004e57a3bcf");
    // RFC 5769 2.2 sample IPv4 response.
    static final byte[] RESPONSE_V4 = hex("0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f722000"
            + "2000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96");
    // RFC 5769 2.3 sample IPv6 response.
    static final byte[] RESPONSE_V6 = hex("010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f722000"
            + "2000140002a1470113a9faa5d3f179bc25f4b5bed2b9d900080014a382954e4be67bf11784c97c8292c275bfe3ed4180280004"
            + "c8fb0b4c");

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static byte[] key(String pwd) {
        return StunMessage.shortTermKey(pwd);
    }

    @Test
    void rfc5769SampleRequest() {
        StunMessage m = StunMessage.parse(REQUEST, 0, REQUEST.length);
        assertNotNull(m);
        assertEquals(StunMessage.BINDING_REQUEST, m.type());
        assertArrayEquals(hex("b7e7a701bc34d686fa87dfae"), m.transactionId());
        assertEquals("STUN test client", m.software());
        assertEquals("evtj:h6vY", m.username());
        assertTrue(m.hasPriority());
        assertEquals(0x6e0001ffL, m.priority());
        assertTrue(m.hasIceControlled());
        assertEquals(0x932ff9b151263b36L, m.iceControlled());
        assertFalse(m.hasIceControlling());
        assertFalse(m.useCandidate());
        assertTrue(m.hasFingerprint());
        assertTrue(m.checkIntegrity(key(PWD)));
        assertFalse(m.checkIntegrity(key("VOkJxbRl1RmTxUk/WvJxBu")));
        assertEquals("evtj", StunMessage.localUfrag(REQUEST, 0, REQUEST.length));
    }

    @Test
    void rfc5769SampleIpv4Response() throws Exception {
        StunMessage m = StunMessage.parse(RESPONSE_V4, 0, RESPONSE_V4.length);
        assertNotNull(m);
        assertEquals(StunMessage.BINDING_SUCCESS, m.type());
        assertEquals("test vector", m.software());
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853), m.xorMappedAddress());
        assertTrue(m.hasFingerprint());
        assertTrue(m.checkIntegrity(key(PWD)));
        assertNull(StunMessage.localUfrag(RESPONSE_V4, 0, RESPONSE_V4.length), "not a request");
    }

    @Test
    void rfc5769SampleIpv6Response() throws Exception {
        StunMessage m = StunMessage.parse(RESPONSE_V6, 0, RESPONSE_V6.length);
        assertNotNull(m);
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
                m.xorMappedAddress());
        assertTrue(m.hasFingerprint());
        assertTrue(m.checkIntegrity(key(PWD)));
    }

    @Test
    void parsesAtAnOffset() {
        byte[] b = new byte[REQUEST.length + 7];
        System.arraycopy(REQUEST, 0, b, 5, REQUEST.length);
        StunMessage m = StunMessage.parse(b, 5, REQUEST.length);
        assertNotNull(m);
        assertTrue(m.checkIntegrity(key(PWD)));
        assertEquals("evtj", StunMessage.localUfrag(b, 5, REQUEST.length));
    }

    @Test
    void anyChangedBitBreaksFingerprintOrIntegrity() {
        for (int i = 0; i < REQUEST.length * 8; i++) {
            byte[] b = REQUEST.clone();
            b[i / 8] ^= (byte) (1 << (i % 8));
            StunMessage m = StunMessage.parse(b, 0, b.length);
            // Changing the FINGERPRINT type turns it into an unknown attribute after MESSAGE-INTEGRITY,
            // which RFC 5389 15.4 says to ignore: integrity then still holds, but there is no fingerprint.
            boolean inFingerprintHeader = i / 8 >= REQUEST.length - 8 && i / 8 < REQUEST.length - 6;
            assertTrue(m == null || !m.checkIntegrity(key(PWD)) || (inFingerprintHeader && !m.hasFingerprint()),
                    "bit " + i);
        }
    }

    @Test
    void integrityIsCheckedWithLengthAdjustedWhenFingerprintIsStripped() {
        // RFC 5389 15.4: the length used for the HMAC ends at MESSAGE-INTEGRITY, so removing the
        // FINGERPRINT (and fixing the header length) keeps the integrity valid.
        byte[] b = Arrays.copyOf(REQUEST, REQUEST.length - 8);
        StunMessage.put16(b, 2, b.length - 20);
        StunMessage m = StunMessage.parse(b, 0, b.length);
        assertNotNull(m);
        assertFalse(m.hasFingerprint());
        assertTrue(m.checkIntegrity(key(PWD)));
        b[b.length - 30] ^= 1; // inside USERNAME
        StunMessage tampered = StunMessage.parse(b, 0, b.length);
        assertNotNull(tampered);
        assertFalse(tampered.checkIntegrity(key(PWD)));
    }

    @Test
    void encodeParseRoundTripIpv4AndIpv6() throws Exception {
        byte[] tid = hex("0102030405060708090a0b0c");
        for (String ip : new String[] {"10.1.2.3", "fe80::1234:5678:9abc:def0"}) {
            InetSocketAddress addr = new InetSocketAddress(InetAddress.getByName(ip), 61000);
            StunMessage m = new StunMessage(StunMessage.BINDING_SUCCESS, tid)
                    .username("abcd:efg").xorMappedAddress(addr).priority(0xFFFFFFFFL).useCandidate(true)
                    .iceControlling(-2L).software("jsfu");
            byte[] out = new byte[200];
            int n = m.encode(out, 3, StunMessage.hmacSha1(key(PWD)), true);
            assertTrue(n > 0);
            assertEquals(0, n % 4);
            StunMessage p = StunMessage.parse(out, 3, n);
            assertNotNull(p);
            assertEquals(StunMessage.BINDING_SUCCESS, p.type());
            assertArrayEquals(tid, p.transactionId());
            assertEquals("abcd:efg", p.username());
            assertEquals(addr, p.xorMappedAddress());
            assertEquals(0xFFFFFFFFL, p.priority());
            assertTrue(p.useCandidate());
            assertEquals(-2L, p.iceControlling());
            assertEquals("jsfu", p.software());
            assertTrue(p.hasFingerprint());
            assertTrue(p.checkIntegrity(key(PWD)));
        }
    }

    @Test
    void errorCodeRoundTrip() {
        StunMessage m = new StunMessage(StunMessage.BINDING_ERROR, new byte[12]).error(487, "Role Conflict");
        byte[] out = new byte[100];
        int n = m.encode(out, 0, null, true);
        StunMessage p = StunMessage.parse(out, 0, n);
        assertNotNull(p);
        assertEquals(487, p.errorCode());
        assertEquals("Role Conflict", p.errorReason());
        assertFalse(p.hasIntegrity());
    }

    @Test
    void encodeIntoTooSmallBufferFails() {
        StunMessage m = new StunMessage(StunMessage.BINDING_REQUEST, new byte[12]).username("abcd:efgh");
        assertEquals(-1, m.encode(new byte[30], 0, StunMessage.hmacSha1(key(PWD)), true));
    }

    @Test
    void malformedHeadersAreRejected() {
        assertNull(StunMessage.parse(REQUEST, 0, 19));
        assertNull(StunMessage.parse(REQUEST, 0, REQUEST.length - 4), "length field mismatch");
        assertNull(StunMessage.parse(REQUEST, 10, REQUEST.length), "past the array");
        assertNull(StunMessage.parse(null, 0, 20));
        byte[] b = REQUEST.clone();
        b[0] = 0x40; // RFC 7983: not STUN
        assertNull(StunMessage.parse(b, 0, b.length));
        b = REQUEST.clone();
        b[4] = 0; // cookie
        assertNull(StunMessage.parse(b, 0, b.length));
        assertNull(StunMessage.localUfrag(b, 0, b.length));
        b = REQUEST.clone();
        b[3] = (byte) (b[3] + 2); // length not a multiple of 4
        assertNull(StunMessage.parse(b, 0, b.length));
    }

    @Test
    void malformedAttributesAreRejected() {
        // attribute length running past the end
        byte[] b = header(8);
        StunMessage.put16(b, 20, StunMessage.ATTR_USERNAME);
        StunMessage.put16(b, 22, 200);
        assertNull(StunMessage.parse(b, 0, b.length));
        assertNull(StunMessage.localUfrag(b, 0, b.length));
        // value fits but its padding does not
        StunMessage.put16(b, 22, 5);
        assertNull(StunMessage.parse(b, 0, b.length));
        // zero-length USERNAME
        StunMessage.put16(b, 22, 0);
        byte[] z = Arrays.copyOf(b, 24);
        StunMessage.put16(z, 2, 4);
        assertNull(StunMessage.parse(z, 0, z.length));
        // MESSAGE-INTEGRITY with the wrong length
        StunMessage.put16(b, 20, StunMessage.ATTR_MESSAGE_INTEGRITY);
        StunMessage.put16(b, 22, 4);
        assertNull(StunMessage.parse(b, 0, b.length));
        // half an attribute header
        byte[] h = header(4);
        StunMessage.put16(h, 20, StunMessage.ATTR_PRIORITY);
        StunMessage.put16(h, 22, 4);
        assertNull(StunMessage.parse(h, 0, h.length));
        // XOR-MAPPED-ADDRESS with a bad family
        byte[] x = header(12);
        StunMessage.put16(x, 20, StunMessage.ATTR_XOR_MAPPED_ADDRESS);
        StunMessage.put16(x, 22, 8);
        x[25] = 3;
        assertNull(StunMessage.parse(x, 0, x.length));
        // FINGERPRINT not last
        byte[] f = header(16);
        StunMessage.put16(f, 20, StunMessage.ATTR_FINGERPRINT);
        StunMessage.put16(f, 22, 4);
        StunMessage.put16(f, 28, StunMessage.ATTR_USE_CANDIDATE);
        assertNull(StunMessage.parse(f, 0, f.length));
    }

    private static byte[] header(int bodyLength) {
        byte[] b = new byte[20 + bodyLength];
        StunMessage.put16(b, 0, StunMessage.BINDING_REQUEST);
        StunMessage.put16(b, 2, bodyLength);
        StunMessage.put32(b, 4, StunMessage.MAGIC_COOKIE);
        return b;
    }

    @Test
    void fuzzedInputNeverThrows() {
        Random rnd = new Random(5769);
        byte[][] seeds = {REQUEST, RESPONSE_V4, RESPONSE_V6};
        for (int i = 0; i < 50_000; i++) {
            byte[] b;
            if (i % 3 == 0) {
                b = new byte[rnd.nextInt(120)];
                rnd.nextBytes(b);
                if (b.length >= 20 && rnd.nextBoolean()) { // plausible header, random body
                    b[0] = (byte) rnd.nextInt(4);
                    StunMessage.put16(b, 2, (b.length - 20) & ~3);
                    StunMessage.put32(b, 4, StunMessage.MAGIC_COOKIE);
                    b = Arrays.copyOf(b, 20 + ((b.length - 20) & ~3));
                }
            } else {
                byte[] s = seeds[rnd.nextInt(seeds.length)];
                b = s.clone();
                int flips = 1 + rnd.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    int pos = 20 + rnd.nextInt(b.length - 20);
                    b[pos] = (byte) rnd.nextInt(256);
                }
            }
            final byte[] in = b;
            StunMessage m = assertDoesNotThrow(() -> StunMessage.parse(in, 0, in.length));
            assertDoesNotThrow(() -> StunMessage.localUfrag(in, 0, in.length));
            if (m != null) {
                assertDoesNotThrow(() -> m.checkIntegrity(key(PWD)));
            }
        }
    }
}
