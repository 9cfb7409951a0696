package org.jsfu.server.e2e;

import java.time.Duration;
import org.jsfu.server.testparts.CoturnProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * rtc.turn_servers reach the browser: a real TURN server (coturn, use-auth-secret) on 127.0.0.1, named in the
 * server's config with its shared secret, and two relay-only Chromium pages ({@code tests/turn-relay.test.mjs})
 * that can reach the server only through it, with the credentials the server made for them.
 */
class TurnRelayE2ETest {
    private static final String SECRET = "turn-shared-secret-for-the-e2e-test";
    private static CoturnProcess turn;
    private static E2eServer e2e;

    @BeforeAll
    static void start() throws Exception {
        turn = CoturnProcess.startTurn(SECRET);
        e2e = E2eServer.start("  turn_servers:\n    - host: 127.0.0.1\n      port: " + turn.port()
                + "\n      protocol: udp\n      secret: " + SECRET + "\n", 0, null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (e2e != null) {
            e2e.close();
        }
        if (turn != null) {
            turn.close();
        }
    }

    @Test
    void relayOnlyBrowsersTalkThroughTheConfiguredTurnServer() throws Exception {
        try {
            e2e.runner().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/turn-relay.test.mjs");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\ncoturn log (tail):\n" + turn.logTail(40), e);
        }
    }
}
