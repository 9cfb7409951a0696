package org.jsfu.bench.egress;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * CPU, GC and heap of this process over a window. CPU = utime + stime of the whole process from
 * /proc/self/stat (proc(5) fields 14 and 15, clock ticks of 1/100 s); "cores busy" = CPU-seconds /
 * wall-seconds. GC pauses come from the collectors' notifications (duration of each collection of a
 * stop-the-world collector: G1 Young/Mixed/Full; G1's concurrent cycle is reported separately).
 */
public final class ProcessMeter {
    private static final double TICK = 0.01;
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong pauseMillis = new AtomicLong();
    private final AtomicLong pauseMaxMillis = new AtomicLong();
    private final AtomicLong concurrentMillis = new AtomicLong();
    private volatile long heapMax;
    private long t0;
    private long ticks0;

    public ProcessMeter() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener((n, h) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long ms = info.getGcInfo().getDuration();
                    if (info.getGcName().contains("Concurrent") || info.getGcName().contains("Cycles")) {
                        concurrentMillis.addAndGet(ms);
                        return;
                    }
                    pauses.incrementAndGet();
                    pauseMillis.addAndGet(ms);
                    pauseMaxMillis.accumulateAndGet(ms, Math::max);
                }, null, null);
            }
        }
    }

    /** utime + stime of this process in clock ticks. */
    public static long cpuTicks() throws IOException {
        String s = Files.readString(Path.of("/proc/self/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15 (after pid and comm)
    }

    public void start() throws IOException {
        pauses.set(0);
        pauseMillis.set(0);
        pauseMaxMillis.set(0);
        concurrentMillis.set(0);
        heapMax = 0;
        t0 = System.nanoTime();
        ticks0 = cpuTicks();
    }

    /** Samples heap use (call about once a second). */
    public void sampleHeap() {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        if (used > heapMax) heapMax = used;
    }

    public Window stop() throws IOException {
        long ticks = cpuTicks() - ticks0;
        double wall = (System.nanoTime() - t0) / 1e9;
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new Window(wall, ticks * TICK, pauses.get(), pauseMillis.get(), pauseMaxMillis.get(),
                concurrentMillis.get(), heapMax, heap.getCommitted(), heap.getMax());
    }

    /** One measured window. */
    public record Window(double wallSec, double cpuSec, long gcPauses, long gcPauseMs, long gcPauseMaxMs,
                         long gcConcurrentMs, long heapUsedMax, long heapCommitted, long heapLimit) {
        public double coresBusy() { return cpuSec / wallSec; }
    }

    /** 1-minute load average from /proc/loadavg. */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
