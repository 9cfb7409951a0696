package org.jsfu.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CommitRetryPolicyTest {
    @Test
    void theDefaultDoublesFrom2sTo30sForTenMinutes() {
        CommitRetryPolicy p = CommitRetryPolicy.DEFAULT;
        long[] expected = {2000, 4000, 8000, 16000, 30000, 30000};
        long elapsed = 0;
        for (int n = 1; n <= expected.length; n++) {
            assertEquals(expected[n - 1], p.delayMillis(n, elapsed), "after attempt " + n);
            elapsed += expected[n - 1];
        }
        assertEquals(30000, p.delayMillis(1000, 0), "no overflow after many attempts");
        assertEquals(5000, p.delayMillis(20, 595_000), "the last wait ends at the budget");
        assertEquals(-1, p.delayMillis(20, 600_000), "budget spent: give up");
    }

    @Test
    void aZeroBudgetNeverRetries() {
        assertEquals(-1, new CommitRetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO).delayMillis(1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new CommitRetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMinutes(1)));
    }
}
