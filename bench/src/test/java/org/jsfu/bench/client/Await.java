package org.jsfu.bench.client;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline; fails with a description of the last observed state. */
final class Await {
    private Await() {}

    static void until(String what, long timeoutMs, BooleanSupplier cond, Supplier<String> state) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + ": " + state.get());
            }
            Thread.sleep(20);
        }
    }
}
