package org.jsfu.server.e2e;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The e2e harness proves itself without the SFU, so it runs in every {@code mvn verify}. The media
 * tests against the server (e2e/tests/media.test.mjs, twenty.test.mjs) use exactly these measuring
 * paths.
 */
class HarnessSelfTest {
    /**
     * Chromium's fake mic (a 440 Hz and a 1000 Hz sox tone) and fake camera go through a peer
     * connection pair inside one page; the page's AnalyserNode must see the tone's frequency, silence
     * when the sending track is disabled, and inbound-rtp framesDecoded growing with a frame size.
     */
    @Test
    void browserMeasuresLoopbackMedia() throws Exception {
        NodeTestRunner.forE2e().timeout(Duration.ofMinutes(3)).runAndAssertPass("tests/harness-selftest.test.mjs");
    }

    /** rtc-node's AudioStream/VideoStream on local tracks feed the subscriber meters of the load test. */
    @Test
    void rtcNodeMeasuresLocalTracks() throws Exception {
        NodeTestRunner.forE2e().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/rtcnode-selftest.test.mjs");
    }

    /** Zero-crossing frequency and RMS on synthetic PCM; Chromium flags, polling, token scrubbing, tokens. */
    @Test
    void nodeHelpers() throws Exception {
        NodeTestRunner.forE2e().timeout(Duration.ofMinutes(1)).runAndAssertPass("tests/tone.test.mjs", "tests/lib.test.mjs");
    }
}
