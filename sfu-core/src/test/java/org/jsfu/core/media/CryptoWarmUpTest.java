package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jsfu.core.srtp.SrtpProfile;
import org.junit.jupiter.api.Test;

class CryptoWarmUpTest {
    static final List<SrtpProfile> GCM_FIRST =
            List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    static final List<SrtpProfile> CM_FIRST =
            List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM);

    @Test
    void roundTripsSucceedForEveryProfileAndBothAreTimed() {
        CryptoWarmUp.Result r = CryptoWarmUp.run();
        assertTrue(r.ok());
        assertTrue(r.aesCmNanos() > 0 && r.aesCmNanos() < 1_000_000, "AES-CM ns " + r.aesCmNanos());
        assertTrue(r.gcmNanos() > 0 && r.gcmNanos() < 1_000_000, "GCM ns " + r.gcmNanos());
        assertEquals(2, r.preference().size());
    }

    @Test
    void gcmFirstUnlessAesCmIsAtLeastTenPercentCheaper() {
        // a CPU without SHA-1 in hardware (Xeon, session 10): 1765 vs 744 ns protect
        assertEquals(GCM_FIRST, new CryptoWarmUp.Result(true, 3500, 1550, false).preference());
        // one with it (EPYC, sessions 2-9): 430 vs 500 ns
        assertEquals(CM_FIRST, new CryptoWarmUp.Result(true, 860, 1000, false).preference());
        assertEquals(GCM_FIRST, new CryptoWarmUp.Result(true, 950, 1000, false).preference(), "within 10%: GCM");
        assertEquals(GCM_FIRST, new CryptoWarmUp.Result(false, 100, 1000, false).preference(), "failed run: default");
        assertEquals(GCM_FIRST, new CryptoWarmUp.Result(true, 0, 0, false).preference());
    }

    @Test
    void gcmFirstWhateverWasMeasuredWhenItsHashIsTheJdksCarryLessMultiply() {
        // the LoadBench start that settled while GCM still ran the JDK's GHASH as interpreted Java
        assertEquals(GCM_FIRST, new CryptoWarmUp.Result(true, 3000, 9000, true).preference());
        assertEquals(GCM_FIRST, new CryptoWarmUp.Result(true, 860, 1000, true).preference());
    }

    /**
     * The JIT compiles tier by tier: here GCM's code keeps getting faster after the first 8 blocks (as on a loaded
     * machine where the last tier, with the AES intrinsic, comes late), ending at half AES-CM's cost. The timing
     * must go on until both have settled, not stop at 8 blocks and keep AES-CM's edge from half-compiled GCM.
     */
    @Test
    void timingGoesOnUntilBothProfilesHaveSettled() {
        long[] gcmByBlock = {3000, 3000, 2900, 2900, 2800, 2800, 2800, 2800, 2000, 1200, 800, 500};
        AtomicLong clock = new AtomicLong();
        int[] gcmBlocks = {0};
        long[] best = CryptoWarmUp.timeBoth(p -> {
            clock.addAndGet(5_000_000); // 5 ms a block
            if (p == SrtpProfile.AES_CM_128_HMAC_SHA1_80) return 1000;
            int b = gcmBlocks[0]++;
            return gcmByBlock[Math.min(b, gcmByBlock.length - 1)];
        }, clock::get);
        assertEquals(1000, best[0]);
        assertEquals(500, best[1]);
        assertEquals(GCM_FIRST, new CryptoWarmUp.Result(true, best[0], best[1], false).preference());
        assertTrue(gcmBlocks[0] >= gcmByBlock.length + CryptoWarmUp.SETTLED_BLOCKS - 1, "blocks " + gcmBlocks[0]);
    }

    /** A machine so loaded that the times never settle: the timing still ends, at its budget. */
    @Test
    void timingEndsAtItsBudget() {
        AtomicLong clock = new AtomicLong();
        long[] next = {Long.MAX_VALUE / 2};
        long[] best = CryptoWarmUp.timeBoth(p -> {
            clock.addAndGet(10_000_000);
            return next[0] = next[0] * 9 / 10; // always 10% faster than before
        }, clock::get);
        assertTrue(clock.get() >= CryptoWarmUp.TIMING_BUDGET_NANOS
                && clock.get() <= CryptoWarmUp.TIMING_BUDGET_NANOS + 20_000_000, "ended at " + clock.get());
        assertTrue(best[0] > 0 && best[1] > 0);
    }

    @Test
    void aFailedRoundTripEndsTheTiming() {
        assertEquals(null, CryptoWarmUp.timeBoth(p -> p == SrtpProfile.AEAD_AES_128_GCM ? -1 : 100, () -> 0));
    }
}
