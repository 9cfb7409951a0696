package org.jsfu.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of every thread of a process, read from {@code /proc/<pid>/task/<tid>/stat} (utime and
 * stime, proc(5) fields 14 and 15, in clock ticks) and {@code /proc/<pid>/task/<tid>/comm} (the thread
 * name, at most 15 bytes), plus the whole process's utime and stime from {@code /proc/<pid>/stat}, which
 * also holds the time of threads that have exited.
 */
final class ThreadCpu {
    private ThreadCpu() {}

    /** The groups LoadBench reports, in print order; every other thread is {@link #OTHER}. */
    static final List<String> GROUPS = List.of("media-loop", "rtc-udp-recv", "multiThreadIoEv", "C2 CompilerThre",
            "C1 CompilerThre", "GC");
    static final String OTHER = "other";

    /**
     * One thread's name, cumulative user and system ticks, and context switches (voluntary: it blocked or
     * parked; involuntary: it was preempted), from {@code status}, and moves between CPUs
     * ({@code se.nr_migrations} in {@code sched}); -1 where that could not be read.
     */
    record Ticks(String name, long user, long system, long voluntary, long involuntary, long migrations) {
        Ticks(String name, long user, long system) {
            this(name, user, system, -1, -1, -1);
        }

        long total() {
            return user + system;
        }
    }

    /** Every thread alive at one moment (by tid), and the process's own totals (live and exited threads). */
    record Snapshot(Map<Long, Ticks> threads, long processUser, long processSystem) {}

    /** Reads every thread of {@code pid}; a thread that exits while it is read is left out. */
    static Snapshot read(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        long[] process = userSystem(Files.readString(proc.resolve("stat")));
        Map<Long, Ticks> threads = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException e) {
                    continue; // exited since the listing
                }
                String name;
                try {
                    name = commName(Files.readString(task.resolve("comm")));
                } catch (NoSuchFileException e) {
                    name = statName(stat);
                }
                long[] us = userSystem(stat);
                long[] cs;
                try {
                    cs = contextSwitches(Files.readString(task.resolve("status")));
                } catch (NoSuchFileException e) {
                    cs = new long[] {-1, -1};
                }
                long migrations;
                try {
                    migrations = migrations(Files.readString(task.resolve("sched")));
                } catch (NoSuchFileException e) {
                    migrations = -1; // exited, or a kernel without CONFIG_SCHED_DEBUG
                }
                threads.put(Long.parseLong(task.getFileName().toString()),
                        new Ticks(name, us[0], us[1], cs[0], cs[1], migrations));
            }
        }
        return new Snapshot(threads, process[0], process[1]);
    }

    /**
     * {utime, stime} from a stat line. The name (field 2) is in parentheses and may itself contain
     * spaces and parentheses, so fields are counted from the last ')': state is field 3, utime 14, stime 15.
     */
    static long[] userSystem(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 > stat.length()) {
            throw new IllegalArgumentException("not a stat line: " + stat);
        }
        String[] f = stat.substring(close + 2).trim().split(" +");
        if (f.length < 13) {
            throw new IllegalArgumentException("stat line with " + f.length + " fields after the name: " + stat);
        }
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    /** {voluntary, involuntary} context switches from a status file ({@code -1} for a missing line). */
    static long[] contextSwitches(String status) {
        long[] r = {-1, -1};
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            if (key.equals("voluntary_ctxt_switches")) {
                r[0] = Long.parseLong(line.substring(colon + 1).trim());
            } else if (key.equals("nonvoluntary_ctxt_switches")) {
                r[1] = Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        return r;
    }

    /** {@code se.nr_migrations} from a sched file, -1 without that line. */
    static long migrations(String sched) {
        for (String line : sched.split("\n")) {
            if (line.startsWith("se.nr_migrations")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return -1;
    }

    /**
     * The whole machine's CPU from {@code /proc/stat}'s "cpu" line, in ticks: {busy (user, nice,
     * system, irq, softirq; guest time is inside user), steal, all (busy + idle + iowait + steal)}.
     */
    static long[] machine(String procStat) {
        String first = procStat.substring(0, procStat.indexOf('\n') < 0 ? procStat.length() : procStat.indexOf('\n'));
        String[] f = first.trim().split(" +");
        if (!f[0].equals("cpu") || f.length < 9) {
            throw new IllegalArgumentException("not /proc/stat: " + first);
        }
        long user = Long.parseLong(f[1]), nice = Long.parseLong(f[2]), system = Long.parseLong(f[3]);
        long idle = Long.parseLong(f[4]), iowait = Long.parseLong(f[5]), irq = Long.parseLong(f[6]);
        long softirq = Long.parseLong(f[7]), steal = Long.parseLong(f[8]);
        long busy = user + nice + system + irq + softirq;
        return new long[] {busy, steal, busy + idle + iowait + steal};
    }

    /** {@link #machine} of this machine now. */
    static long[] machine() throws IOException {
        return machine(Files.readString(Path.of("/proc/stat")));
    }

    /** The name in a stat line: between the first '(' and the last ')'. */
    static String statName(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a stat line: " + stat);
        }
        return stat.substring(open + 1, close);
    }

    /** The name in a comm file: its content without the trailing newline. */
    static String commName(String comm) {
        return comm.endsWith("\n") ? comm.substring(0, comm.length() - 1) : comm;
    }

    /**
     * A thread name without its number: trailing digits and then a trailing '-', '#' or '_' removed
     * ("media-loop-0" is "media-loop", "GC Thread#1" is "GC Thread").
     */
    static String baseName(String name) {
        String s = name.replaceFirst("[0-9]+$", "");
        return s.replaceFirst("[-#_]$", "");
    }

    /** The report group of a thread name: one of {@link #GROUPS} or {@link #OTHER}. */
    static String group(String name) {
        String base = baseName(name);
        if (base.startsWith("GC Thread") || base.startsWith("G1 ")) {
            return "GC";
        }
        return GROUPS.contains(base) ? base : OTHER;
    }
}
