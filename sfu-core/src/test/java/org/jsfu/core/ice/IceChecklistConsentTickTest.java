package org.jsfu.core.ice;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Consent checks polled on a periodic tick ({@link IceChecklist#setConsentSlackMs}) instead of at {@code nextPollMs}. */
class IceChecklistConsentTickTest {
    private static final long TICK_MS = 500;
    /** What PeerTransport.driveConsentFromTick(500) sets: a tick and 10% timer lateness. */
    private static final long SLACK_MS = 550;

    /**
     * RFC 7675 5.1: 0.8-1.2 of 5 s between consent checks, also when each leaves up to one tick late, the
     * ticks come late (520 ms apart, as a loop timer that runs its members and re-arms) and some checks
     * leave off the tick (right after the peer's own check).
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void consentOnATickKeepsFourToSixSeconds(long seed) {
        IceNet net = new IceNet(seed, 0);
        IceNet.Node server = net.node("192.0.2.1", 7882, "srvA", IceRole.full(seed % 2 == 0, seed));
        IceNet.Node browser = net.node("198.51.100.9", 50000, "brwB", IceRole.full(seed % 2 != 0, seed + 7));
        server.remote(browser);
        browser.remote(server);
        browser.knows(server);
        server.knows(browser);
        net.run(3_000);
        assertNotNull(server.checks.selectedRemote());
        server.checks.setConsentSlackMs(SLACK_MS);
        server.pollPeriodMs = TICK_MS + 20;
        server.pollOnRequest = true; // a check from the peer sends a due consent check at once, off the tick
        int from = server.sentAtMs.size();
        net.run(200_000);
        int checks = server.sentAtMs.size() - from;
        assertTrue(checks >= 200 / 6 && checks <= 200 / 4 + 1, "one consent check per 4-6 s, got " + checks);
        for (int i = from + 1; i < server.sentAtMs.size(); i++) {
            long gap = server.sentAtMs.get(i) - server.sentAtMs.get(i - 1);
            assertTrue(gap >= 4_000 && gap <= 6_000, "consent checks " + gap + " ms apart");
        }
        assertTrue(server.checks.consentAlive(net.nowMs));
        assertEquals(Long.MAX_VALUE, server.checks.nextUrgentPollMs(net.nowMs), "consent needs no timer of its own");
        assertTrue(server.checks.nextPollMs(net.nowMs) < net.nowMs + 6_000, "the next consent check is scheduled");
    }

    /** Connectivity checks are never deferred to a tick: before selection the urgent poll time is the poll time. */
    @Test
    void connectivityChecksStayUrgent() {
        IceNet net = new IceNet(5, 0);
        IceNet.Node server = net.node("192.0.2.1", 7882, "srvA", IceRole.full(true, 5));
        IceNet.Node browser = net.node("198.51.100.9", 50000, "brwB", IceRole.full(false, 6));
        server.checks.setConsentSlackMs(SLACK_MS);
        server.remote(browser);
        browser.remote(server);
        server.knows(browser);
        assertEquals(net.nowMs, server.checks.nextUrgentPollMs(net.nowMs), "a waiting pair is checked now");
        assertEquals(server.checks.nextPollMs(net.nowMs), server.checks.nextUrgentPollMs(net.nowMs));
        byte[] out = new byte[1500];
        assertTrue(server.checks.poll(net.nowMs, out) > 0);
        // the check is unanswered: its retransmission (RFC 8445 14.3, RTO 500 ms) keeps a timer
        assertEquals(net.nowMs + 500, server.checks.nextUrgentPollMs(net.nowMs));
    }

    @Test
    void slackOutsideTheRandomisationIsRefused() {
        IceChecklist<String> cl = new IceChecklist<>(new IceCredentials("mine", "minepassword0123456789abcd"),
                IceRole.full(true, 1), new java.util.Random(1));
        assertThrows(IllegalArgumentException.class, () -> cl.setConsentSlackMs(-1));
        assertThrows(IllegalArgumentException.class, () -> cl.setConsentSlackMs(2_001));
        cl.setConsentSlackMs(2_000);
    }
}
