package org.jsfu.core.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IceChecklistTest {

    static InetSocketAddress addr(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Server offers (subscriber PC): we control; the browser knows our candidate, we only learn its address from its checks. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void controllingServerNominatesWithLoss(long seed) {
        IceNet net = new IceNet(seed, 0.3);
        IceNet.Node server = net.node("192.0.2.1", 7882, "srvA", IceRole.full(true, seed * 31));
        IceNet.Node browser = net.node("198.51.100.9", 50000, "brwB", IceRole.full(false, seed * 17));
        server.remote(browser);
        browser.remote(server);
        browser.knows(server); // our candidate in the offer; the browser's is an mDNS name we ignore
        net.run(15_000);
        assertEquals(browser.addr, server.checks.selectedRemote(), "we nominated the pair learnt from its checks");
        assertTrue(server.checks.isNominated(IceNet.BASE, browser.addr));
        assertEquals(server.addr, browser.checks.selectedRemote(), "the controlled side selected our nomination");
        assertTrue(server.role.isControlling());
        assertFalse(browser.role.isControlling());
        assertEquals(0, server.role.switches() + browser.role.switches());
        assertTrue(server.checks.consentAlive(net.nowMs));
    }

    /** Browser offers (publisher PC): we are controlled, check back (triggered checks) and select the browser's nomination. */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16})
    void controlledServerSelectsTheNominationAfterItsOwnCheck(long seed) {
        IceNet net = new IceNet(seed, 0.3);
        IceNet.Node server = net.node("192.0.2.1", 7882, "srvA", IceRole.full(false, seed));
        IceNet.Node browser = net.node("198.51.100.9", 50000, "brwB", IceRole.full(true, seed + 1));
        server.remote(browser);
        browser.remote(server);
        browser.knows(server);
        net.run(15_000);
        assertEquals(browser.addr, server.checks.selectedRemote());
        assertTrue(server.checks.isValid(IceNet.BASE, browser.addr), "our own check on the pair succeeded");
        assertEquals(browser.addr, server.agent.selectedAddress(), "the nomination reached the responder too");
        assertEquals(server.addr, browser.checks.selectedRemote());
        assertTrue(server.requestsSent > 0, "a full controlled agent sends checks too");
    }

    /** Our full controlling agent against our ICE-lite agent, which never checks: the lite side learns the nomination. */
    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24})
    void fullControllingAgainstLite(long seed) {
        IceNet net = new IceNet(seed, 0.25);
        IceNet.Node full = net.node("192.0.2.1", 7882, "full", IceRole.full(true, seed));
        IceNet.Node lite = net.node("192.0.2.2", 7883, "lite", IceRole.lite());
        full.remote(lite);
        lite.remote(full);
        full.knows(lite); // a lite agent's host candidates are all the full agent can check (RFC 8445 2.5)
        net.run(15_000);
        assertEquals(lite.addr, full.checks.selectedRemote());
        assertEquals(full.addr, lite.agent.selectedAddress(), "USE-CANDIDATE reached the lite agent");
        assertTrue(lite.agent.isAlive(net.nowMs));
        assertTrue(full.checks.consentAlive(net.nowMs));
    }

    @Test
    void consentChecksEveryFiveSecondsAndExpiryAfterThirtyWithoutResponses() {
        IceNet net = new IceNet(7, 0);
        IceNet.Node server = net.node("192.0.2.1", 7882, "srvA", IceRole.full(true, 9));
        IceNet.Node browser = net.node("198.51.100.9", 50000, "brwB", IceRole.full(false, 3));
        server.remote(browser);
        browser.remote(server);
        browser.knows(server);
        net.run(2_000);
        assertNotNull(server.checks.selectedRemote());
        int before = server.requestsSent;
        net.run(60_000);
        int consent = server.requestsSent - before;
        assertTrue(consent >= 10 && consent <= 15, "one consent check per 4-6 s, got " + consent);
        assertTrue(server.checks.consentAlive(net.nowMs));
        net.lossRate = 1.0; // the browser vanished
        long last = server.checks.selectedLastResponseMs();
        assertTrue(net.nowMs - last <= 6_000);
        net.run(last + IceChecklist.CONSENT_TIMEOUT_MS - net.nowMs);
        assertTrue(server.checks.consentAlive(net.nowMs), "consent lasts 30 s after the last response");
        assertTrue(server.requestsSent - before - consent >= 5, "consent checks go on meanwhile");
        net.run(10);
        assertFalse(server.checks.consentAlive(net.nowMs));
    }

    /**
     * The browser renominates (RFC 8445 8.1.1 lets the controlling side switch pairs) onto a pair that succeeded
     * a minute earlier and was never selected since: consent starts from the selection and is checked at once
     * (RFC 7675 5.1), not judged on that pair's old response.
     */
    @Test
    void renominationOfAnOldValidPairKeepsConsent() {
        IceNet net = new IceNet(8, 0);
        IceNet.Node server = net.node("192.0.2.1", 7882, "srvA", IceRole.full(false, 4));
        // the browser (controlling) at two addresses; the test sends its nominations
        IceNet.Node first = net.responder("198.51.100.9", 50000, "brwB", IceRole.full(true, 1L << 40));
        IceNet.Node second = net.responder("198.51.100.10", 50001, "brwB", IceRole.full(true, 1L << 40));
        server.remote(first);
        first.remote(server);
        second.remote(server);
        server.knows(first);
        server.knows(second);
        net.run(2_000);
        assertTrue(server.checks.isValid(IceNet.BASE, first.addr) && server.checks.isValid(IceNet.BASE, second.addr));
        server.checks.onRequest(IceNet.BASE, first.addr, IceNet.HOST_PRIORITY, IceNet.HOST_PRIORITY, true, net.nowMs);
        assertEquals(first.addr, server.checks.selectedRemote());
        net.run(60_000);
        assertTrue(server.checks.consentAlive(net.nowMs));
        assertEquals(IceChecklist.State.SUCCEEDED, server.checks.state(IceNet.BASE, second.addr), "the other pair stays valid");
        assertFalse(server.role.isControlling(), "controlled");
        long renominatedAt = net.nowMs;
        server.checks.onRequest(IceNet.BASE, second.addr, IceNet.HOST_PRIORITY, IceNet.HOST_PRIORITY, true, net.nowMs);
        assertEquals(second.addr, server.checks.selectedRemote(), "the latest nomination wins");
        assertTrue(server.checks.consentAlive(net.nowMs), "consent is not judged on the pair's response of a minute ago");
        net.run(100);
        assertTrue(server.checks.selectedLastResponseMs() >= renominatedAt, "a consent check went out at once and was answered");
        net.run(40_000);
        assertTrue(server.checks.consentAlive(net.nowMs));
        net.lossRate = 1.0;
        net.run(IceChecklist.CONSENT_TIMEOUT_MS + 6_000);
        assertFalse(server.checks.consentAlive(net.nowMs), "and it still expires when the peer goes silent");
    }

    /** RFC 8445 7.3.1.1: two controlling agents; the one with the smaller tie-breaker switches when it receives a check. */
    @Test
    void bothControllingResolvesByTieBreaker() {
        IceNet net = new IceNet(5, 0);
        IceNet.Node a = net.node("192.0.2.1", 7882, "aaaa", IceRole.full(true, 1000));
        IceNet.Node b = net.node("192.0.2.2", 7883, "bbbb", IceRole.full(true, 5));
        a.remote(b);
        b.remote(a);
        a.knows(b);
        b.knows(a);
        net.run(10_000);
        assertTrue(a.role.isControlling());
        assertFalse(b.role.isControlling(), "the smaller tie-breaker yields");
        assertEquals(b.addr, a.checks.selectedRemote());
        assertEquals(a.addr, b.checks.selectedRemote());
    }

    /** RFC 8445 7.3.1.1 / 7.2.5.1: two controlled agents; the larger tie-breaker takes control. */
    @Test
    void bothControlledResolvesByTieBreaker() {
        IceNet net = new IceNet(6, 0);
        IceNet.Node a = net.node("192.0.2.1", 7882, "aaaa", IceRole.full(false, 1000));
        IceNet.Node b = net.node("192.0.2.2", 7883, "bbbb", IceRole.full(false, 5));
        a.remote(b);
        b.remote(a);
        a.knows(b);
        b.knows(a);
        net.run(10_000);
        assertTrue(a.role.isControlling(), "the larger tie-breaker takes control");
        assertFalse(b.role.isControlling());
        assertEquals(b.addr, a.checks.selectedRemote());
        assertEquals(a.addr, b.checks.selectedRemote());
    }

    @Test
    void roleDecisionsFollowRfc8445Section7311() {
        byte[] tid = new byte[12];
        StunMessage controllingBig = new StunMessage(StunMessage.BINDING_REQUEST, tid).iceControlling(-1L); // 2^64-1 unsigned
        StunMessage controllingSmall = new StunMessage(StunMessage.BINDING_REQUEST, tid).iceControlling(7);
        StunMessage controlledBig = new StunMessage(StunMessage.BINDING_REQUEST, tid).iceControlled(-1L);
        StunMessage controlledSmall = new StunMessage(StunMessage.BINDING_REQUEST, tid).iceControlled(7);

        IceRole r = IceRole.full(true, 100);
        assertTrue(r.rejectRequest(controllingSmall), "controlling, our tie-breaker >= theirs: 487");
        assertTrue(r.isControlling());
        assertFalse(r.rejectRequest(controlledSmall), "no conflict");
        assertFalse(r.rejectRequest(controllingBig), "theirs is larger (unsigned): we switch");
        assertFalse(r.isControlling());
        assertEquals(1, r.switches());

        IceRole c = IceRole.full(false, 100);
        assertTrue(c.rejectRequest(controlledBig), "controlled, ours smaller: 487");
        assertFalse(c.isControlling());
        assertFalse(c.rejectRequest(controlledSmall), "controlled, ours >= theirs: we take control");
        assertTrue(c.isControlling());

        IceRole facingLite = IceRole.full(false, 1);
        facingLite.peerIsLite();
        assertTrue(facingLite.isControlling(), "RFC 8445 6.1.1: a full agent controls against a lite peer");

        IceRole lite = IceRole.lite();
        lite.peerIsLite();
        assertTrue(lite.rejectRequest(controlledSmall), "lite is always controlled");
        assertFalse(lite.rejectRequest(controllingBig));
        assertFalse(lite.isControlling());
    }

    /** RFC 8445 7.2.5.1: a 487 answer to our check makes us switch role and retry at once. */
    @Test
    void roleConflictResponseSwitchesAndRetries() {
        IceCredentials mine = new IceCredentials("mine", "minepassword0123456789abcd");
        IceRole role = IceRole.full(true, 5);
        IceChecklist<String> cl = new IceChecklist<>(mine, role, new Random(1));
        cl.setRemoteCredentials("peer", "peerpassword0123456789abcd");
        InetSocketAddress peer = addr("192.0.2.2", 9);
        cl.addCandidate("b", peer, IceNet.HOST_PRIORITY, IceNet.HOST_PRIORITY);
        byte[] out = new byte[600];
        int n = cl.poll(0, out);
        StunMessage req = StunMessage.parse(out, 0, n);
        assertTrue(req.hasIceControlling());
        assertEquals(5, req.iceControlling());
        assertEquals("peer:mine", req.username());
        assertTrue(req.checkIntegrity(StunMessage.shortTermKey("peerpassword0123456789abcd")));
        assertTrue(req.hasFingerprint());
        assertEquals((110L << 24) | (IceNet.HOST_PRIORITY & 0xFFFFFF), req.priority());

        byte[] resp = new byte[300];
        int m = new StunMessage(StunMessage.BINDING_ERROR, req.transactionId()).error(487, "Role Conflict")
                .encode(resp, 0, StunMessage.hmacSha1(StunMessage.shortTermKey("peerpassword0123456789abcd")), true);
        assertTrue(cl.onResponse(StunMessage.parse(resp, 0, m), "b", peer, 10));
        assertFalse(role.isControlling());
        n = cl.poll(60, out);
        StunMessage retry = StunMessage.parse(out, 0, n);
        assertTrue(retry.hasIceControlled(), "retried in the new role");
        assertFalse(retry.useCandidate());
    }

    /** RFC 8445 7.2.5.2.1: a response from another address than the check went to fails the pair. */
    @Test
    void responseFromUnexpectedSourceFailsThePair() {
        IceChecklist<String> cl = new IceChecklist<>(new IceCredentials("mine", "minepassword0123456789abcd"),
                IceRole.full(true, 5), new Random(2));
        cl.setRemoteCredentials("peer", "peerpassword0123456789abcd");
        InetSocketAddress peer = addr("192.0.2.2", 9);
        cl.addCandidate("b", peer, IceNet.HOST_PRIORITY, IceNet.HOST_PRIORITY);
        byte[] out = new byte[600];
        int n = cl.poll(0, out);
        byte[] tid = StunMessage.parse(out, 0, n).transactionId();
        byte[] resp = success(tid, "peerpassword0123456789abcd");
        assertTrue(cl.onResponse(StunMessage.parse(resp, 0, resp.length), "b", addr("192.0.2.3", 9), 10));
        assertEquals(IceChecklist.State.FAILED, cl.state("b", peer));
        assertNull(cl.selectedRemote());
    }

    @Test
    void unknownOrForgedResponsesAreDroppedWithoutState() {
        IceChecklist<String> cl = new IceChecklist<>(new IceCredentials("mine", "minepassword0123456789abcd"),
                IceRole.full(true, 5), new Random(3));
        cl.setRemoteCredentials("peer", "peerpassword0123456789abcd");
        InetSocketAddress peer = addr("192.0.2.2", 9);
        cl.addCandidate("b", peer, IceNet.HOST_PRIORITY, IceNet.HOST_PRIORITY);
        byte[] out = new byte[600];
        int n = cl.poll(0, out);
        byte[] tid = StunMessage.parse(out, 0, n).transactionId();
        byte[] other = tid.clone();
        other[0] ^= 1;
        byte[] unknown = success(other, "peerpassword0123456789abcd");
        assertFalse(cl.onResponse(StunMessage.parse(unknown, 0, unknown.length), "b", peer, 10));
        byte[] forged = success(tid, "wrongpassword0123456789abcd");
        assertFalse(cl.onResponse(StunMessage.parse(forged, 0, forged.length), "b", peer, 10));
        assertEquals(IceChecklist.State.IN_PROGRESS, cl.state("b", peer));
        assertEquals(1, cl.transactionCount());
        byte[] good = success(tid, "peerpassword0123456789abcd");
        assertTrue(cl.onResponse(StunMessage.parse(good, 0, good.length), "b", peer, 10));
        assertEquals(IceChecklist.State.SUCCEEDED, cl.state("b", peer));
    }

    @Test
    void newChecksArePacedByTaAndRetransmittedThenFail() {
        IceChecklist<String> cl = new IceChecklist<>(new IceCredentials("mine", "minepassword0123456789abcd"),
                IceRole.full(false, 5), new Random(4));
        byte[] out = new byte[600];
        InetSocketAddress p1 = addr("192.0.2.2", 9);
        InetSocketAddress p2 = addr("192.0.2.3", 9);
        cl.addCandidate("b", p1, IceNet.HOST_PRIORITY, IceNet.HOST_PRIORITY);
        cl.addCandidate("b", p2, IceNet.HOST_PRIORITY, IceNet.HOST_PRIORITY - 1);
        assertEquals(0, cl.poll(0, out), "nothing is sent before the peer's credentials");
        cl.setRemoteCredentials("peer", "peerpassword0123456789abcd");
        assertTrue(cl.poll(0, out) > 0);
        assertEquals(p1, cl.polledRemote(), "highest pair priority first");
        assertEquals(0, cl.poll(10, out), "the next new check waits for Ta");
        assertTrue(cl.poll(IceChecklist.TA_MS, out) > 0);
        assertEquals(p2, cl.polledRemote());
        int sent = 2;
        for (long t = IceChecklist.TA_MS; t < 20_000; t += 10) {
            while (cl.poll(t, out) > 0) sent++;
        }
        assertEquals(2 * IceChecklist.MAX_TRANSMITS, sent, "each check is sent Rc times, then gives up");
        assertEquals(IceChecklist.State.FAILED, cl.state("b", p1));
        assertEquals(IceChecklist.State.FAILED, cl.state("b", p2));
        assertEquals(0, cl.transactionCount());
    }

    @Test
    void pairsAreBounded() {
        IceChecklist<String> cl = new IceChecklist<>(new IceCredentials("mine", "minepassword0123456789abcd"),
                IceRole.full(true, 5), new Random(5));
        for (int i = 0; i < 40; i++) {
            cl.onRequest("b", addr("192.0.2.1", 1000 + i), IceNet.HOST_PRIORITY, 100, false, 0);
        }
        assertEquals(IceChecklist.MAX_PAIRS, cl.pairCount());
    }

    /** A controlled agent follows the latest nomination: an older one whose check succeeds later is not selected. */
    @Test
    void controlledFollowsTheLatestNomination() {
        IceChecklist<String> cl = new IceChecklist<>(new IceCredentials("mine", "minepassword0123456789abcd"),
                IceRole.full(false, 5), new Random(6));
        cl.setRemoteCredentials("peer", "peerpassword0123456789abcd");
        InetSocketAddress x = addr("192.0.2.2", 9);
        InetSocketAddress y = addr("192.0.2.3", 9);
        byte[] out = new byte[600];
        cl.onRequest("b", x, IceNet.HOST_PRIORITY, 100, true, 0); // nominated before our check succeeded
        int n = cl.poll(0, out);
        assertEquals(x, cl.polledRemote());
        byte[] txX = StunMessage.parse(out, 0, n).transactionId();
        cl.onRequest("b", y, IceNet.HOST_PRIORITY, 100, true, 10); // renominated
        n = cl.poll(IceChecklist.TA_MS, out);
        assertEquals(y, cl.polledRemote());
        byte[] txY = StunMessage.parse(out, 0, n).transactionId();
        byte[] ry = success(txY, "peerpassword0123456789abcd");
        assertTrue(cl.onResponse(StunMessage.parse(ry, 0, ry.length), "b", y, 60));
        assertEquals(y, cl.selectedRemote());
        byte[] rx = success(txX, "peerpassword0123456789abcd");
        assertTrue(cl.onResponse(StunMessage.parse(rx, 0, rx.length), "b", x, 70));
        assertEquals(IceChecklist.State.SUCCEEDED, cl.state("b", x));
        assertEquals(y, cl.selectedRemote(), "the older nomination does not take over");
        assertEquals(1, cl.selectionChanges());
    }

    /** RFC 8445 7.3.1.4: a check on an In-Progress pair cancels its transaction (a late answer still counts) and triggers a new one. */
    @Test
    void checkOnAnInProgressPairCancelsAndRetriggers() {
        IceChecklist<String> cl = new IceChecklist<>(new IceCredentials("mine", "minepassword0123456789abcd"),
                IceRole.full(true, 5), new Random(7));
        cl.setRemoteCredentials("peer", "peerpassword0123456789abcd");
        InetSocketAddress peer = addr("192.0.2.2", 9);
        byte[] out = new byte[600];
        cl.addCandidate("b", peer, IceNet.HOST_PRIORITY, IceNet.HOST_PRIORITY);
        int n = cl.poll(0, out);
        byte[] first = StunMessage.parse(out, 0, n).transactionId();
        assertEquals(IceChecklist.State.IN_PROGRESS, cl.state("b", peer));
        cl.onRequest("b", peer, IceNet.HOST_PRIORITY, 100, false, 10);
        assertEquals(IceChecklist.State.WAITING, cl.state("b", peer));
        n = cl.poll(IceChecklist.TA_MS, out);
        assertTrue(n > 0, "the triggered check");
        byte[] second = StunMessage.parse(out, 0, n).transactionId();
        assertFalse(Arrays.equals(first, second));
        int retransmits = 0;
        for (long t = IceChecklist.TA_MS + 10; t < IceChecklist.TA_MS + IceChecklist.RTO_MS + 20; t += 10) {
            for (int k; (k = cl.poll(t, out)) > 0; ) {
                assertArrayEquals(second, StunMessage.parse(out, 0, k).transactionId(), "the cancelled one is not resent");
                retransmits++;
            }
        }
        assertEquals(1, retransmits);
        assertEquals(1, cl.transactionCount(), "the cancelled transaction ended after its RTO without failing the pair");
        assertEquals(IceChecklist.State.IN_PROGRESS, cl.state("b", peer));
        byte[] late = success(second, "peerpassword0123456789abcd");
        assertTrue(cl.onResponse(StunMessage.parse(late, 0, late.length), "b", peer, 700));
        assertEquals(IceChecklist.State.SUCCEEDED, cl.state("b", peer));
    }

    static byte[] success(byte[] tid, String pwd) {
        byte[] b = new byte[300];
        int n = new StunMessage(StunMessage.BINDING_SUCCESS, tid).xorMappedAddress(addr("192.0.2.1", 7882))
                .encode(b, 0, StunMessage.hmacSha1(StunMessage.shortTermKey(pwd)), true);
        return Arrays.copyOf(b, n);
    }

    /**
     * With every transaction slot taken, poll sends no new check, so nextPollMs must not report one as
     * due (the timer would spin): a peer re-checking every pair keeps the checklist at its bound.
     */
    @Test
    void aFullTransactionTableIsNotReportedAsDue() {
        IceChecklist<String> cl = new IceChecklist<>(new IceCredentials("mine", "minepassword0123456789abcd"),
                IceRole.full(false, 3), new Random(2));
        cl.setRemoteCredentials("peer", "peerpassword0123456789abcd");
        byte[] out = new byte[600];
        int full = 0;
        for (int i = 0; i < IceChecklist.MAX_PAIRS; i++) {
            cl.addCandidate("b", addr("192.0.2." + (i + 1), 9), IceNet.HOST_PRIORITY, IceNet.HOST_PRIORITY);
        }
        // pair i's first check leaves at 50 i ms and is retransmitted at +500, +1500, +3100, +4700 (RFC 5389 7.2.1):
        // at 3860 every pair waits 1600 ms; cancelled then, they linger while 16 triggered checks start
        for (long now = 0; now < 10_000; now += 10) {
            if (now == 4670) { // the table is full; one more check from the peer queues work poll cannot start
                cl.onRequest("b", addr("192.0.2.1", 9), IceNet.HOST_PRIORITY, IceNet.HOST_PRIORITY, false, now);
            }
            if (now == 3860) {
                // the peer checks every pair: each pair's check (retransmitted, long RTO) is cancelled
                // but waits for a late response (RFC 8445 7.3.1.4) while a triggered check starts
                for (int i = 0; i < IceChecklist.MAX_PAIRS; i++) {
                    cl.onRequest("b", addr("192.0.2." + (i + 1), 9), IceNet.HOST_PRIORITY, IceNet.HOST_PRIORITY,
                            false, now);
                }
            }
            while (cl.poll(now, out) > 0) { }
            if (cl.transactionCount() >= IceChecklist.MAX_TRANSACTIONS) {
                full++;
            }
            long next = cl.nextPollMs(now);
            assertTrue(next > now, "reported due at " + now + " with " + cl.transactionCount() + " transactions");
        }
        assertTrue(full > 0, "the transaction table was full at times");
    }
}
