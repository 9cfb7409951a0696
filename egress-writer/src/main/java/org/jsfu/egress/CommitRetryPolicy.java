package org.jsfu.egress;

import java.time.Duration;

/**
 * How a running server retries the final upload of a recording whose commit failed (S3 unreachable after the
 * sink's own per-call attempts): the wait after the n-th failed attempt is {@code firstDelay·2^(n-1)}, at most
 * {@code maxDelay}; no attempt starts once {@code budget} has passed since the first one (the last wait is
 * shortened to end at the budget). After that the egress is reported FAILED and the spool stays for the next
 * start. Not read from egress.yaml: {@link #DEFAULT} unless {@link EgressManager#commitRetry} sets another.
 */
public record CommitRetryPolicy(Duration firstDelay, Duration maxDelay, Duration budget) {
    /** 2 s doubling to 30 s, for 10 minutes. */
    public static final CommitRetryPolicy DEFAULT =
            new CommitRetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMinutes(10));

    public CommitRetryPolicy {
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0 || budget.isNegative()) {
            throw new IllegalArgumentException("need 0 <= firstDelay <= maxDelay and budget >= 0");
        }
    }

    /**
     * The wait before the next attempt after {@code failedAttempts} (>= 1) failed ones, {@code elapsedMillis}
     * after the first attempt began; -1 when the budget is spent (give up).
     */
    long delayMillis(int failedAttempts, long elapsedMillis) {
        long remaining = budget.toMillis() - elapsedMillis;
        if (remaining <= 0) {
            return -1;
        }
        long max = maxDelay.toMillis();
        long d = firstDelay.toMillis();
        for (int i = 1; i < failedAttempts && d < max; i++) {
            d *= 2;
        }
        return Math.min(Math.min(d, max), remaining);
    }
}
