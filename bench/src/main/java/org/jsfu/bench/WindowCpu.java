package org.jsfu.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU ticks each thread group ({@link ThreadCpu#group}) used between two snapshots of one process.
 * A thread alive at both counts its difference; a thread born in between counts all its ticks. A thread
 * that exits in between takes its ticks with it: what the process's own totals grew by beyond the
 * attributed ticks is {@link #unattributed} (those threads' time, plus rounding of the kernel's
 * per-thread user/system split; it can be a few ticks below zero).
 *
 * @param groups {user, system, voluntary, involuntary context switches, CPU migrations} per group (the
 *     last three only of threads
 *     alive at both snapshots), in {@link ThreadCpu#GROUPS} order, then "other"
 * @param otherByName ticks of the "other" threads by base name ({@link ThreadCpu#baseName})
 * @param exitedThreads threads alive at the first snapshot and gone at the second
 * @param bornThreads threads alive at the second snapshot only
 */
record WindowCpu(Map<String, long[]> groups, Map<String, Long> otherByName, long processTicks, long unattributed,
                 int exitedThreads, int bornThreads) {

    static WindowCpu between(ThreadCpu.Snapshot a, ThreadCpu.Snapshot b) {
        Map<String, long[]> groups = new LinkedHashMap<>();
        for (String g : ThreadCpu.GROUPS) {
            groups.put(g, new long[5]);
        }
        groups.put(ThreadCpu.OTHER, new long[5]);
        Map<String, Long> other = new TreeMap<>();
        long attributed = 0;
        int born = 0;
        for (Map.Entry<Long, ThreadCpu.Ticks> e : b.threads().entrySet()) {
            ThreadCpu.Ticks end = e.getValue();
            ThreadCpu.Ticks start = a.threads().get(e.getKey());
            boolean bornHere = start == null || !start.name().equals(end.name());
            if (bornHere) {
                start = new ThreadCpu.Ticks(end.name(), 0, 0); // born in the window (or a reused tid)
                born++;
            }
            long user = end.user() - start.user();
            long system = end.system() - start.system();
            long[] g = groups.get(ThreadCpu.group(end.name()));
            g[0] += user;
            g[1] += system;
            if (!bornHere && start.voluntary() >= 0 && end.voluntary() >= 0) {
                g[2] += end.voluntary() - start.voluntary();
                g[3] += end.involuntary() - start.involuntary();
            }
            if (!bornHere && start.migrations() >= 0 && end.migrations() >= 0) {
                g[4] += end.migrations() - start.migrations();
            }
            if (ThreadCpu.group(end.name()).equals(ThreadCpu.OTHER)) {
                other.merge(ThreadCpu.baseName(end.name()), user + system, Long::sum);
            }
            attributed += user + system;
        }
        int exited = 0;
        for (Map.Entry<Long, ThreadCpu.Ticks> e : a.threads().entrySet()) {
            ThreadCpu.Ticks end = b.threads().get(e.getKey());
            if (end == null || !end.name().equals(e.getValue().name())) {
                exited++;
            }
        }
        long process = b.processUser() + b.processSystem() - a.processUser() - a.processSystem();
        return new WindowCpu(groups, other, process, process - attributed, exited, born);
    }

    /** User plus system ticks of one group. */
    long total(String group) {
        long[] g = groups.get(group);
        return g[0] + g[1];
    }
}
