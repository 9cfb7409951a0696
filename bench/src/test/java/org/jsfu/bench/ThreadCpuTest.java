package org.jsfu.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
    /** A real JDK 17 compiler thread's stat line (proc(5) layout: utime 14 = 4711, stime 15 = 93). */
    static final String C2 = "812 (C2 CompilerThre) S 1 790 790 0 -1 1077936192 39021 0 3 0 4711 93 0 0 20 0 "
            + "25 0 3188 4148457472 62109 18446744073709551615 1 1 0 0 0 0 4 0 16900 0 0 0 -1 1 0 0 0 0 0";

    @Test
    void fieldsAreCountedAfterTheLastParenthesis() {
        assertArrayEquals(new long[] {4711, 93}, ThreadCpu.userSystem(C2));
        assertEquals("C2 CompilerThre", ThreadCpu.statName(C2));
        // a name with spaces and ')' and '(' of its own, and numbers that look like fields
        // (fields 4-13 are 1..10, utime 777, stime 888)
        String odd = "9 (a) 1 2 (b) 3) R 1 2 3 4 5 6 7 8 9 10 777 888 13 14 15 16 17";
        assertArrayEquals(new long[] {777, 888}, ThreadCpu.userSystem(odd));
        assertEquals("a) 1 2 (b) 3", ThreadCpu.statName(odd));
    }

    @Test
    void truncatedStatLinesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ThreadCpu.userSystem("9 (x) R 1 2 3"));
        assertThrows(IllegalArgumentException.class, () -> ThreadCpu.userSystem("no name here"));
    }

    @Test
    void commKeepsSpacesAndParenthesesAndDropsTheNewline() {
        assertEquals("GC Thread#3", ThreadCpu.commName("GC Thread#3\n"));
        assertEquals("x (y) ", ThreadCpu.commName("x (y) \n"));
        assertEquals("no-newline", ThreadCpu.commName("no-newline"));
    }

    @Test
    void groupsAreNamesWithoutTheirNumber() {
        assertEquals("media-loop", ThreadCpu.baseName("media-loop-12"));
        assertEquals("GC Thread", ThreadCpu.baseName("GC Thread#0"));
        assertEquals("media-loop", ThreadCpu.group("media-loop-0"));
        assertEquals("rtc-udp-recv", ThreadCpu.group("rtc-udp-recv"));
        assertEquals("multiThreadIoEv", ThreadCpu.group("multiThreadIoEv"));
        assertEquals("C2 CompilerThre", ThreadCpu.group("C2 CompilerThre"));
        assertEquals("C1 CompilerThre", ThreadCpu.group("C1 CompilerThre"));
        assertEquals("GC", ThreadCpu.group("GC Thread#1"));
        assertEquals("GC", ThreadCpu.group("G1 Refine#0"));
        assertEquals("GC", ThreadCpu.group("G1 Main Marker"));
        assertEquals(ThreadCpu.OTHER, ThreadCpu.group("VM Thread"));
        assertEquals(ThreadCpu.OTHER, ThreadCpu.group("dtls-3"));
    }

    @Test
    void windowAttributesLiveAndBornThreadsAndLeavesExitedOnesUnattributed() {
        ThreadCpu.Snapshot a = new ThreadCpu.Snapshot(Map.of(
                1L, new ThreadCpu.Ticks("media-loop-0", 100, 50, 1000, 20, 7),
                2L, new ThreadCpu.Ticks("C2 CompilerThre", 400, 10),
                3L, new ThreadCpu.Ticks("C2 CompilerThre", 30, 0),
                4L, new ThreadCpu.Ticks("dtls-1", 5, 5)), 1000, 200);
        ThreadCpu.Snapshot b = new ThreadCpu.Snapshot(Map.of(
                1L, new ThreadCpu.Ticks("media-loop-0", 160, 90, 1500, 23, 9),
                2L, new ThreadCpu.Ticks("C2 CompilerThre", 420, 11),
                5L, new ThreadCpu.Ticks("C1 CompilerThre", 7, 1),
                4L, new ThreadCpu.Ticks("dtls-1", 8, 5)), 1100, 250);
        // tid 3 exited after 6 more ticks, which only the process total holds
        WindowCpu w = WindowCpu.between(a, b);
        assertArrayEquals(new long[] {60, 40, 500, 3, 2}, w.groups().get("media-loop"));
        assertEquals(21, w.total("C2 CompilerThre"));
        assertEquals(8, w.total("C1 CompilerThre"));
        assertEquals(3, w.total(ThreadCpu.OTHER));
        assertEquals(Map.of("dtls", 3L), w.otherByName());
        assertEquals(150, w.processTicks());
        assertEquals(150 - 100 - 21 - 8 - 3, w.unattributed());
        assertEquals(1, w.exitedThreads());
        assertEquals(1, w.bornThreads());
    }

    @Test
    void statusGivesContextSwitches() {
        String status = "Name:\tmedia-loop-0\nState:\tS (sleeping)\nvoluntary_ctxt_switches:\t81234\n"
                + "nonvoluntary_ctxt_switches:\t17\n";
        assertArrayEquals(new long[] {81234, 17}, ThreadCpu.contextSwitches(status));
        assertArrayEquals(new long[] {-1, -1}, ThreadCpu.contextSwitches("Name:\tx\n"));
    }

    @Test
    void schedGivesMigrations() {
        String sched = "media-loop-0 (812, #threads: 40)\n---\nse.exec_start   :  41711883.226578\n"
                + "se.nr_migrations                             :                 4242\nnr_switches : 9\n";
        assertEquals(4242, ThreadCpu.migrations(sched));
        assertEquals(-1, ThreadCpu.migrations("nr_switches : 9\n"));
    }

    @Test
    void procStatGivesBusyStealAndAll() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        String stat = "cpu  3539051 55637 1226262 3315496 4915 0 99799 2621 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n";
        long busy = 3539051L + 55637 + 1226262 + 0 + 99799;
        assertArrayEquals(new long[] {busy, 2621, busy + 3315496 + 4915 + 2621}, ThreadCpu.machine(stat));
        assertThrows(IllegalArgumentException.class, () -> ThreadCpu.machine("cpu0 1 2 3 4 5 6 7 8\n"));
    }

    @Test
    void readsThisProcessThreads() throws Exception {
        ThreadCpu.Snapshot s = ThreadCpu.read(ProcessHandle.current().pid());
        assertTrue(s.threads().values().stream().anyMatch(t -> t.name().equals("main")
                || t.name().startsWith("C2 CompilerThre")), s.threads().toString());
        long sum = s.threads().values().stream().mapToLong(ThreadCpu.Ticks::total).sum();
        assertTrue(sum <= s.processUser() + s.processSystem() + s.threads().size(), "threads " + sum + " > process");
    }
}
