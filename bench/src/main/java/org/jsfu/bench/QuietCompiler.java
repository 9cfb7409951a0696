package org.jsfu.bench;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Waits until a JVM's JIT compiler threads (C1 and C2 groups of {@link ThreadCpu}) have used less than a
 * share of one core over the last {@code seconds} seconds, sampling {@code /proc} once a second, or until
 * {@code maxSeconds} have passed. Compiler threads that exit between two samples lose their last second
 * (HotSpot starts and stops C2 threads as its queue grows and shrinks).
 */
final class QuietCompiler {
    private QuietCompiler() {}

    /**
     * @param waitedSec how long it waited
     * @param share the compiler's CPU over the last {@code seconds} seconds sampled, in cores (0.01 = 1% of one)
     * @param quiet whether it went under the bound before {@code maxSeconds}
     */
    record Outcome(double waitedSec, double share, boolean quiet) {}

    static Outcome await(long pid, int seconds, int maxSeconds, double maxShare, double hz)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        ThreadCpu.Snapshot prev = ThreadCpu.read(pid);
        long prevNs = t0;
        ArrayDeque<long[]> samples = new ArrayDeque<>(); // {interval ns, compiler ticks}
        long spanNs = 0, ticks = 0;
        double share = Double.NaN;
        while (true) {
            Thread.sleep(1000);
            ThreadCpu.Snapshot cur = ThreadCpu.read(pid);
            long now = System.nanoTime();
            WindowCpu w = WindowCpu.between(prev, cur);
            long[] s = {now - prevNs, w.total("C2 CompilerThre") + w.total("C1 CompilerThre")};
            samples.addLast(s);
            spanNs += s[0];
            ticks += s[1];
            while (samples.size() > seconds) {
                long[] old = samples.removeFirst();
                spanNs -= old[0];
                ticks -= old[1];
            }
            prev = cur;
            prevNs = now;
            if (samples.size() == seconds) {
                share = ticks / hz / (spanNs / 1e9);
                if (share < maxShare) {
                    return new Outcome((now - t0) / 1e9, share, true);
                }
            }
            if (now - t0 >= maxSeconds * 1_000_000_000L) {
                return new Outcome((now - t0) / 1e9, share, false);
            }
        }
    }
}
