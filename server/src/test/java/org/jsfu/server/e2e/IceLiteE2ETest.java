package org.jsfu.server.e2e;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The browser scenarios again with {@code rtc.use_ice_lite: true}: the server advertises a=ice-lite
 * and only answers checks, so Chromium controls both peer connections (RFC 8445 6.1.1).
 * {@link MediaPlaneE2ETest} runs the same pages against the default, a full ICE agent.
 */
class IceLiteE2ETest {
    private static E2eServer e2e;

    @BeforeAll
    static void startServer() throws Exception {
        e2e = E2eServer.start("  use_ice_lite: true\n", 0, null);
    }

    @AfterAll
    static void stopServer() {
        if (e2e != null) {
            e2e.close();
        }
    }

    @Test
    void twoTabsTalkWithIceLite() throws Exception {
        e2e.runner().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/two-tabs.test.mjs");
    }

    /**
     * Resumes with ICE-lite: our answer to the publisher's restart offer and our subscriber restart offer
     * carry new credentials, and Chromium (controlling) checks and nominates the new generation.
     */
    @Test
    void browserSignalResumeWithIceLite() throws Exception {
        e2e.runner().timeout(Duration.ofMinutes(3)).runAndAssertPass("tests/resume.test.mjs");
    }

    @Test
    void browserOverIceTcpWithIceLite() throws Exception {
        e2e.runner().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/icetcp.test.mjs");
    }
}
