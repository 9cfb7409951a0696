package org.jsfu.core.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IceAgentTest {
    static final IceCredentials LOCAL = new IceCredentials("srvU", "serverPassword0123456789");
    static final String REMOTE_UFRAG = "brws";
    static final String REMOTE_PWD = "browserPassword01234567";
    final byte[] out = new byte[1500];

    static InetSocketAddress addr(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A browser's check: USERNAME = server:browser, signed with the server's password (RFC 8445 7.2.2). */
    static byte[] request(String username, String signingPwd, boolean useCandidate, boolean controlled, long seed) {
        byte[] tid = new byte[12];
        new Random(seed).nextBytes(tid);
        StunMessage m = new StunMessage(StunMessage.BINDING_REQUEST, tid).username(username).priority(1853824767L);
        if (controlled) m.iceControlled(42); else m.iceControlling(0x1234567890L);
        m.useCandidate(useCandidate);
        byte[] b = new byte[300];
        int n = m.encode(b, 0, signingPwd == null ? null : StunMessage.hmacSha1(StunMessage.shortTermKey(signingPwd)), true);
        return Arrays.copyOf(b, n);
    }

    static byte[] goodRequest(boolean useCandidate) {
        return request("srvU:brws", LOCAL.pwd(), useCandidate, false, 1);
    }

    @Test
    void answersAValidCheckAndValidatesThePair() {
        IceAgent agent = new IceAgent(LOCAL, REMOTE_UFRAG, REMOTE_PWD);
        InetSocketAddress from = addr("203.0.113.7", 50000);
        byte[] req = goodRequest(false);
        int n = agent.handleStun(req, 0, req.length, from, 1000, out);
        assertTrue(n > 0);
        StunMessage resp = StunMessage.parse(out, 0, n);
        assertNotNull(resp);
        assertEquals(StunMessage.BINDING_SUCCESS, resp.type());
        assertArrayEquals(StunMessage.parse(req, 0, req.length).transactionId(), resp.transactionId());
        assertEquals(from, resp.xorMappedAddress());
        assertTrue(resp.hasFingerprint());
        assertTrue(resp.checkIntegrity(StunMessage.shortTermKey(LOCAL.pwd())));
        assertTrue(agent.isValid(from));
        assertFalse(agent.isValid(addr("203.0.113.7", 50001)));
        assertNull(agent.selectedAddress(), "not nominated yet");
        assertFalse(agent.isAlive(1000));
        assertEquals(1000, agent.lastReceivedMs(from));
    }

    @Test
    void responseMayOverwriteTheRequestBuffer() {
        IceAgent agent = new IceAgent(LOCAL, REMOTE_UFRAG, REMOTE_PWD);
        InetSocketAddress from = addr("203.0.113.8", 50000);
        byte[] req = goodRequest(true);
        byte[] buf = Arrays.copyOf(req, 1500);
        int n = agent.handleStun(buf, 0, req.length, from, 0, buf);
        StunMessage resp = StunMessage.parse(buf, 0, n);
        assertNotNull(resp);
        assertEquals(from, resp.xorMappedAddress());
        assertTrue(resp.checkIntegrity(StunMessage.shortTermKey(LOCAL.pwd())));
        assertEquals(from, agent.selectedAddress());
    }

    @Test
    void useCandidateNominatesAndTheLatestNominationWins() {
        IceAgent agent = new IceAgent(LOCAL, REMOTE_UFRAG, REMOTE_PWD);
        InetSocketAddress a = addr("192.0.2.10", 40000);
        InetSocketAddress b = addr("2001:db8::5", 40002);
        byte[] nominate = goodRequest(true);
        assertTrue(agent.handleStun(nominate, 0, nominate.length, a, 0, out) > 0);
        assertEquals(a, agent.selectedAddress());
        byte[] plain = goodRequest(false);
        assertTrue(agent.handleStun(plain, 0, plain.length, b, 10, out) > 0);
        assertEquals(a, agent.selectedAddress(), "a check without USE-CANDIDATE does not switch");
        assertTrue(agent.handleStun(nominate, 0, nominate.length, b, 20, out) > 0);
        assertEquals(b, agent.selectedAddress());
        StunMessage resp = StunMessage.parse(out, 0, agent.handleStun(nominate, 0, nominate.length, b, 30, out));
        assertEquals(b, resp.xorMappedAddress(), "IPv6 XOR-MAPPED-ADDRESS");
    }

    @Test
    void consentExpiresWithoutChecks() {
        IceAgent agent = new IceAgent(LOCAL, REMOTE_UFRAG, REMOTE_PWD);
        InetSocketAddress a = addr("192.0.2.10", 40000);
        byte[] nominate = goodRequest(true);
        agent.handleStun(nominate, 0, nominate.length, a, 0, out);
        assertTrue(agent.isAlive(29_999));
        assertTrue(agent.isAlive(30_000));
        assertFalse(agent.isAlive(30_001));
        byte[] check = goodRequest(false);
        agent.handleStun(check, 0, check.length, a, 31_000, out);
        assertTrue(agent.isAlive(40_000));
        assertEquals(31_000, agent.lastCheckMs());
    }

    @Test
    void expireDropsStaleUnselectedPairs() {
        IceAgent agent = new IceAgent(LOCAL, REMOTE_UFRAG, REMOTE_PWD);
        InetSocketAddress a = addr("192.0.2.10", 40000);
        InetSocketAddress b = addr("192.0.2.11", 40000);
        byte[] nominate = goodRequest(true);
        byte[] check = goodRequest(false);
        agent.handleStun(nominate, 0, nominate.length, a, 0, out);
        agent.handleStun(check, 0, check.length, b, 0, out);
        agent.expire(60_000);
        assertTrue(agent.isValid(a), "the selected pair is kept");
        assertFalse(agent.isValid(b));
    }

    @Test
    void validatedPairsAreBounded() {
        IceAgent agent = new IceAgent(LOCAL, REMOTE_UFRAG, REMOTE_PWD);
        byte[] nominate = goodRequest(true);
        InetSocketAddress first = addr("10.0.0.1", 1000);
        agent.handleStun(nominate, 0, nominate.length, first, 0, out);
        byte[] check = goodRequest(false);
        for (int i = 0; i < 100; i++) {
            assertTrue(agent.handleStun(check, 0, check.length, addr("10.0.1." + (i + 1), 2000), i + 1, out) > 0);
        }
        int valid = 0;
        for (int i = 0; i < 100; i++) if (agent.isValid(addr("10.0.1." + (i + 1), 2000))) valid++;
        assertEquals(IceAgent.MAX_VALID_PAIRS - 1, valid);
        assertTrue(agent.isValid(first), "the selected pair is never evicted");
        assertTrue(agent.isValid(addr("10.0.1.100", 2000)), "the newest is kept");
    }

    @Test
    void rejectsWithoutStateChange() {
        IceAgent agent = new IceAgent(LOCAL, REMOTE_UFRAG, REMOTE_PWD);
        InetSocketAddress from = addr("198.51.100.1", 3478);
        byte[][] bad = {
            request("othr:brws", LOCAL.pwd(), true, false, 2),          // wrong local ufrag
            request("srvU:xxxx", LOCAL.pwd(), true, false, 3),          // wrong remote ufrag
            request("srvU:brwsX", LOCAL.pwd(), true, false, 4),         // remote ufrag prefix only
            request("srvU", LOCAL.pwd(), true, false, 5),               // no colon
            request("srvU:brws", REMOTE_PWD, true, false, 6),           // signed with the wrong password
            request("srvU:brws", null, true, false, 7),                 // no MESSAGE-INTEGRITY
        };
        for (byte[] b : bad) {
            assertEquals(-1, agent.handleStun(b, 0, b.length, from, 0, out));
        }
        // right credentials but not a request
        for (int type : new int[] {StunMessage.BINDING_INDICATION, StunMessage.BINDING_SUCCESS, StunMessage.BINDING_ERROR}) {
            StunMessage m = new StunMessage(type, new byte[12]).username("srvU:brws").useCandidate(true);
            byte[] b = new byte[200];
            int n = m.encode(b, 0, StunMessage.hmacSha1(StunMessage.shortTermKey(LOCAL.pwd())), true);
            assertEquals(-1, agent.handleStun(b, 0, n, from, 0, out));
        }
        // truncated good request
        byte[] good = goodRequest(true);
        for (int len = 0; len < good.length; len++) {
            assertEquals(-1, agent.handleStun(good, 0, len, from, 0, out));
        }
        // output buffer too small
        assertEquals(-1, agent.handleStun(good, 0, good.length, from, 0, new byte[40]));
        assertFalse(agent.isValid(from));
        assertNull(agent.selectedAddress());
        assertEquals(Long.MIN_VALUE, agent.lastCheckMs());
    }

    @Test
    void roleConflictIsAnsweredWith487AndNoState() {
        IceAgent agent = new IceAgent(LOCAL, REMOTE_UFRAG, REMOTE_PWD);
        InetSocketAddress from = addr("198.51.100.2", 3478);
        byte[] req = request("srvU:brws", LOCAL.pwd(), true, true, 8);
        int n = agent.handleStun(req, 0, req.length, from, 0, out);
        StunMessage resp = StunMessage.parse(out, 0, n);
        assertNotNull(resp);
        assertEquals(StunMessage.BINDING_ERROR, resp.type());
        assertEquals(487, resp.errorCode());
        assertTrue(resp.checkIntegrity(StunMessage.shortTermKey(LOCAL.pwd())));
        assertFalse(agent.isValid(from));
        assertNull(agent.selectedAddress());
    }

    @Test
    void rfc5769RequestCarriesIceControlledSoItGetsRoleConflict() {
        // RFC 5769 2.1: USERNAME evtj:h6vY, ICE-CONTROLLED, signed with VOkJxbRl1RmTxUk/WvJxBt.
        IceAgent agent = new IceAgent(new IceCredentials("evtj", StunMessageTest.PWD), "h6vY", null);
        byte[] req = StunMessageTest.REQUEST;
        int n = agent.handleStun(req, 0, req.length, addr("192.0.2.1", 32853), 0, out);
        StunMessage resp = StunMessage.parse(out, 0, n);
        assertEquals(487, resp.errorCode());
        assertArrayEquals(StunMessage.parse(req, 0, req.length).transactionId(), resp.transactionId());
    }

    @Test
    void remoteUfragUnknownAcceptsAnyPeerPartThenChecksIt() {
        IceAgent agent = new IceAgent(LOCAL, null, null);
        InetSocketAddress from = addr("192.0.2.33", 5000);
        byte[] req = request("srvU:anything", LOCAL.pwd(), true, false, 9);
        assertTrue(agent.handleStun(req, 0, req.length, from, 0, out) > 0);
        assertEquals(from, agent.selectedAddress());
        agent.setRemoteCredentials(REMOTE_UFRAG, REMOTE_PWD);
        assertEquals(-1, agent.handleStun(req, 0, req.length, from, 1, out));
        byte[] good = goodRequest(false);
        assertTrue(agent.handleStun(good, 0, good.length, from, 2, out) > 0);
    }

    @Test
    void fuzzedRequestsNeverThrowAndNeverCreateState() {
        IceAgent agent = new IceAgent(LOCAL, REMOTE_UFRAG, REMOTE_PWD);
        InetSocketAddress from = addr("192.0.2.99", 9999);
        byte[] good = goodRequest(true);
        Random rnd = new Random(8445);
        for (int i = 0; i < 30_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = good.clone();
                int flips = 1 + rnd.nextInt(3);
                // everything up to the FINGERPRINT attribute (a renamed FINGERPRINT type is an ignorable
                // attribute after MESSAGE-INTEGRITY, RFC 5389 15.4, so that message stays valid)
                for (int k = 0; k < flips; k++) b[rnd.nextInt(b.length - 8)] ^= (byte) (1 + rnd.nextInt(255));
            } else {
                b = new byte[rnd.nextInt(200)];
                rnd.nextBytes(b);
                if (b.length > 0) b[0] &= 3;
            }
            final byte[] in = b;
            int n = assertDoesNotThrow(() -> agent.handleStun(in, 0, in.length, from, 0, out));
            assertEquals(-1, n);
        }
        assertFalse(agent.isValid(from));
        assertNull(agent.selectedAddress());
        assertTrue(agent.handleStun(good, 0, good.length, from, 0, out) > 0, "the agent still works");
    }

    @Test
    void randomCredentialsUseIceChars() {
        IceCredentials c = IceCredentials.random();
        assertTrue(c.ufrag().length() >= 4);
        assertTrue(c.pwd().length() >= 22);
        assertTrue(c.ufrag().matches("[A-Za-z0-9+/]+"));
        assertTrue(c.pwd().matches("[A-Za-z0-9+/]+"));
        assertNotEquals(c, IceCredentials.random());
        assertFalse(c.toString().contains(c.pwd()));
        assertThrows(IllegalArgumentException.class, () -> new IceCredentials("ab", "x".repeat(22)));
        assertThrows(IllegalArgumentException.class, () -> new IceCredentials("abcd", "short"));
        assertThrows(IllegalArgumentException.class, () -> new IceCredentials("ab:d", "x".repeat(22)));
    }
}
