package org.jsfu.server.e2e;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The browser harness proves itself without the SFU: Chromium's fake mic (a 440 Hz and a 1000 Hz
 * tone) and fake camera go through a peer connection pair inside one page, and the same analyser and
 * getStats helpers the media tests use must see the tone's frequency, silence when the track is
 * disabled, and growing decoded frames (e2e/tests/harness-selftest.test.mjs).
 */
class HarnessSelfTest {
    @Test
    void loopbackMediaIsMeasuredInTheBrowser() throws Exception {
        NodeTestRunner.forE2e().timeout(Duration.ofMinutes(3)).runAndAssertPass("tests/harness-selftest.test.mjs");
    }
}
