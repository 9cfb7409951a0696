package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CryptoWarmUpTest {
    @Test
    void roundTripsSucceedForEveryProfile() {
        assertTrue(CryptoWarmUp.run());
    }
}
