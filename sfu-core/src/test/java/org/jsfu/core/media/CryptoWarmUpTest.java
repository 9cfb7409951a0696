package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jsfu.core.srtp.SrtpProfile;
import org.junit.jupiter.api.Test;

class CryptoWarmUpTest {
    private static final List<SrtpProfile> GCM_FIRST =
            List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    private static final List<SrtpProfile> CM_FIRST =
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
        assertEquals(GCM_FIRST, new CryptoWarmUp.Result(true, 3500, 1550).preference());
        // one with it (EPYC, sessions 2-9): 430 vs 500 ns
        assertEquals(CM_FIRST, new CryptoWarmUp.Result(true, 860, 1000).preference());
        assertEquals(GCM_FIRST, new CryptoWarmUp.Result(true, 950, 1000).preference(), "within 10%: GCM");
        assertEquals(GCM_FIRST, new CryptoWarmUp.Result(false, 100, 1000).preference(), "failed run: default");
        assertEquals(GCM_FIRST, new CryptoWarmUp.Result(true, 0, 0).preference());
    }
}
