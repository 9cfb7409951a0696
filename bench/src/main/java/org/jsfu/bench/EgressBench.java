package org.jsfu.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.jsfu.bench.egress.BenchRooms;
import org.jsfu.bench.egress.FileChannelBaseline;
import org.jsfu.bench.egress.LoopLag;
import org.jsfu.bench.egress.OpusFrames;
import org.jsfu.bench.egress.ProcessMeter;
import org.jsfu.bench.egress.RecordingCheck;
import org.jsfu.bench.egress.S3ProxyLauncher;
import org.jsfu.bench.egress.TrackFeeder;
import org.jsfu.core.media.RtpTap;
import org.jsfu.core.room.MediaLoop;
import org.jsfu.core.room.RoomEgress;
import org.jsfu.egress.EgressInfo;
import org.jsfu.egress.EgressSinks;
import org.jsfu.egress.EgressStatus;

/**
 * Track egress load: N concurrent track egresses in this process, fed through the tap the media plane
 * uses, on the server's media loops; measures CPU, GC and heap over a window, then verifies every file.
 *
 * <pre>
 * EgressBench [--egresses 1000] [--seconds 30] [--warmup 10] [--per-room 10] [--dir /tmp/...]
 *             [--baseline true] [--opusinfo 5] [--s3 endpoint,bucket,accessKey,secret,dataDir]
 * </pre>
 * See bench/README.md.
 */
public final class EgressBench {
    /** Options. */
    public static final class Options {
        public int egresses = 1000;
        public int seconds = 30;
        public int warmup = 10;
        public int perRoom = 10;
        public Path dir;
        public boolean baseline = true;
        public int opusinfo = 5;
        /** endpoint, bucket, access key, secret, s3proxy filesystem data dir (to read objects back). */
        public String[] s3;
        /** Start s3proxy from this pom (server/src/test/s3proxy/pom.xml) and record to it. */
        public Path s3proxyPom;
        /** pid of the S3 server (its CPU is measured over the same window), or 0. */
        public long s3Pid;

        static Options parse(String[] a) {
            Options o = new Options();
            for (int i = 0; i < a.length; i += 2) {
                String v = a[i + 1];
                switch (a[i]) {
                    case "--egresses" -> o.egresses = Integer.parseInt(v);
                    case "--seconds" -> o.seconds = Integer.parseInt(v);
                    case "--warmup" -> o.warmup = Integer.parseInt(v);
                    case "--per-room" -> o.perRoom = Integer.parseInt(v);
                    case "--dir" -> o.dir = Path.of(v);
                    case "--baseline" -> o.baseline = Boolean.parseBoolean(v);
                    case "--opusinfo" -> o.opusinfo = Integer.parseInt(v);
                    case "--s3" -> o.s3 = v.split(",");
                    case "--s3proxy" -> o.s3proxyPom = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + a[i]);
                }
            }
            return o;
        }
    }

    /** What a run measured. */
    public record Result(int egresses, ProcessMeter.Window harness, ProcessMeter.Window window,
                         ProcessMeter.Window fileChannel, long bytesInWindow, long packetsSent, long lost,
                         long dtxPackets, double loopLagMeanMs, double loopLagMaxMs, double feederLateMaxMs,
                         List<RecordingCheck.Result> files, List<String> opusinfo, int notComplete, String load,
                         double clockDriftMs, double s3proxyCores, ProcessMeter.Window stop, double s3StopCpuSec,
                         String payloadSizes) {
        public long invalid() {
            return files.stream().filter(f -> !f.ok()).count() + notComplete
                    + opusinfo.stream().filter(s -> !s.startsWith("ok")).count();
        }
    }

    private EgressBench() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        if (o.dir == null) o.dir = Files.createTempDirectory("jsfu-egress-bench-");
        Result r;
        if (o.s3proxyPom != null) {
            try (S3ProxyLauncher s3 = S3ProxyLauncher.start(o.s3proxyPom, o.dir.resolve("s3proxy"))) {
                o.s3 = s3.benchArgs();
                o.s3Pid = s3.pid();
                r = run(o);
            }
        } else {
            r = run(o);
        }
        print(o, r);
        System.exit(r.invalid() == 0 && r.files.size() == o.egresses ? 0 : 1);
    }

    public static Result run(Options o) throws Exception {
        String loadBefore = ProcessMeter.loadAverage();
        OpusFrames frames = OpusFrames.encode(250);
        Path root = o.dir.resolve("recordings");
        RoomEgress.S3Target s3 = o.s3 == null ? null : new RoomEgress.S3Target(o.s3[2], o.s3[3], "", "us-east-1",
                o.s3[0], o.s3[1], true, null, "", "");
        EgressSinks.Factory sinks = EgressSinks.standard(root, s3, o.dir.resolve("spool"));
        ProcessMeter meter = new ProcessMeter();
        long runNanos = (o.warmup + o.seconds) * 1_000_000_000L;
        try (BenchRooms rooms = new BenchRooms(sinks)) {
            long utcOffset = utcOffset(); // taken when EgressManager took its own (both: wall clock - nanoTime)
            List<MediaLoop> loops = rooms.loops.all();
            ProcessMeter.Window harness = null;
            if (o.baseline) {
                harness = harnessOnly(o, frames, loops, meter, runNanos);
            }
            List<BenchRooms.Track> tracks = rooms.start(o.egresses, o.perRoom, "bench/{room_name}/{track_id}-{time}.ogg");
            List<TrackFeeder.Sender> senders = new ArrayList<>();
            long seed = 1;
            for (BenchRooms.Track t : tracks) senders.add(TrackFeeder.sender(t.tap(), t.loop(), seed++));
            TrackFeeder feeder = new TrackFeeder(frames, senders, runNanos);
            LoopLag lag = new LoopLag(loops);
            feeder.start();
            Thread.sleep(o.warmup * 1000L);
            Path written = s3 == null ? root : o.dir.resolve("spool");
            long bytes0 = bytesUnder(written);
            lag.reset();
            feeder.resetLate();
            double s3Cpu0 = o.s3Pid > 0 ? s3CpuSeconds(o.s3Pid) : 0;
            meter.start();
            for (int s = 0; s < o.seconds; s++) {
                Thread.sleep(1000);
                meter.sampleHeap();
            }
            ProcessMeter.Window w = meter.stop();
            double s3Cores = o.s3Pid > 0 ? (s3CpuSeconds(o.s3Pid) - s3Cpu0) / w.wallSec() : -1;
            long bytes = bytesUnder(written) - bytes0;
            double lagMean = lag.meanMs(), lagMax = lag.maxMs(), lateMax = feeder.lateMaxNanos() / 1e6;
            lag.close();
            feeder.close();
            double s3CpuStop0 = o.s3Pid > 0 ? s3CpuSeconds(o.s3Pid) : 0;
            meter.start();
            long[] stopNanos = new long[tracks.size()];
            for (int i = 0; i < tracks.size(); i++) {
                stopNanos[i] = System.nanoTime();
                rooms.egress.stopEgress(tracks.get(i).egressId()).get(30, TimeUnit.SECONDS);
            }
            rooms.egress.awaitAll(java.time.Duration.ofMinutes(5));
            ProcessMeter.Window stop = meter.stop();
            double s3StopCpu = o.s3Pid > 0 ? s3CpuSeconds(o.s3Pid) - s3CpuStop0 : -1;
            long drift = utcOffset() - utcOffset;
            java.util.Map<String, EgressInfo> infosById = new java.util.HashMap<>();
            for (EgressInfo i : rooms.egress.list(null, null, false)) infosById.put(i.egressId(), i);
            List<RecordingCheck.Result> checks = new ArrayList<>();
            int notComplete = 0;
            long sent = 0, lost = 0, dtx = 0;
            for (int i = 0; i < tracks.size(); i++) {
                TrackFeeder.Sender s = senders.get(i);
                sent += s.packets;
                lost += s.lost;
                dtx += s.dtxPackets;
                EgressInfo info = infosById.get(tracks.get(i).egressId());
                if (info.status() != EgressStatus.COMPLETE || info.file() == null) {
                    notComplete++;
                    System.err.println("not complete: " + info);
                    continue;
                }
                Path file = s3 == null ? Path.of(info.file().location())
                        : Path.of(o.s3[4], o.s3[1]).resolve(info.file().filename());
                // the file starts at the whole second before the first captured sample (padToWholeSecond)
                long firstCaptureUtc = s.firstCaptureNanos() + utcOffset;
                long fileStart = Math.floorDiv(firstCaptureUtc, 1_000_000_000L) * 1_000_000_000L;
                double pad = (firstCaptureUtc - fileStart) / 1e9;
                double expected = (stopNanos[i] - s.firstCaptureNanos()) / 1e9 + pad;
                RecordingCheck.Result c = RecordingCheck.check(file, expected, pad, s.packets);
                if (c.ok() && Math.abs(info.file().startedAt() - fileStart) > 0
                        && Math.abs(firstCaptureUtc - fileStart - 500_000_000L) < 400_000_000L) {
                    c = new RecordingCheck.Result(c.file(), c.bytes(), c.durationSec(), c.expectedSec(),
                            c.firstAudioSec(), c.expectedFirstAudioSec(), c.audioPackets(), c.expectedPackets(),
                            "file start " + info.file().startedAt() + " is not the second before the first sample");
                }
                if (!c.ok()) System.err.println("invalid: " + c);
                checks.add(c);
            }
            List<String> infos = new ArrayList<>();
            for (int i = 0; i < Math.min(o.opusinfo, checks.size()); i++) {
                Path f = checks.get(i * checks.size() / Math.min(o.opusinfo, checks.size())).file();
                String why = RecordingCheck.opusinfo(f);
                infos.add(why == null ? "ok " + RecordingCheck.playbackLength(f) : why);
            }
            ProcessMeter.Window fc = null;
            if (o.baseline && !checks.isEmpty()) {
                long perTrackPerSec = bytes / Math.max(1, tracks.size()) / o.seconds;
                fc = FileChannelBaseline.run(o.dir.resolve("baseline"), tracks.size(), perTrackPerSec, 10, meter);
            }
            String load = loadBefore + " -> " + ProcessMeter.loadAverage();
            return new Result(o.egresses, harness, w, fc, bytes, sent, lost, dtx, lagMean, lagMax, lateMax, checks,
                    infos, notComplete, load, drift / 1e6, s3Cores, stop, s3StopCpu,
                    frames.minSize() + " / " + String.format(Locale.ROOT, "%.1f", frames.meanSize()) + " / " + frames.maxSize());
        }
    }

    /** The same feed into taps that do nothing: the cost of the harness (pacing, posting, loops). */
    private static ProcessMeter.Window harnessOnly(Options o, OpusFrames frames, List<MediaLoop> loops,
                                                   ProcessMeter meter, long runNanos) throws Exception {
        RtpTap noop = new RtpTap() {
            @Override public void onRtp(byte[] b, int off, int len, long ts, long seq, long now) { }
            @Override public void onMute(boolean muted, long now) { }
            @Override public void onClose(long now) { }
        };
        List<TrackFeeder.Sender> senders = new ArrayList<>();
        for (int i = 0; i < o.egresses; i++) {
            senders.add(TrackFeeder.sender(noop, loops.get(i / o.perRoom % loops.size()), 1_000_000 + i));
        }
        TrackFeeder feeder = new TrackFeeder(frames, senders, runNanos);
        feeder.start();
        Thread.sleep(3000);
        meter.start();
        Thread.sleep(10_000);
        ProcessMeter.Window w = meter.stop();
        feeder.close();
        return w;
    }

    private static double s3CpuSeconds(long pid) {
        try {
            return LoadBench.cpuTicks(pid) / 100.0;
        } catch (IOException e) {
            return -1;
        }
    }

    private static long utcOffset() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    static long bytesUnder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        long[] sum = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                if (a.isRegularFile() && !f.toString().endsWith(".json")) sum[0] += a.size();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE; // renamed or replaced meanwhile
            }
        });
        return sum[0];
    }

    private static void print(Options o, Result r) {
        ProcessMeter.Window w = r.window;
        System.out.println();
        System.out.printf(Locale.ROOT, "## Track egress: %d egresses, %s sink, %d s window after %d s warm-up%n",
                r.egresses, o.s3 == null ? "local folder" : "S3 (s3proxy)", o.seconds, o.warmup);
        System.out.printf(Locale.ROOT, "load average (before -> after): %s%n", r.load);
        row("process CPU, cores busy (utime+stime / wall)", "%.3f", w.coresBusy());
        row("  = % of one core", "%.1f%%", 100 * w.coresBusy());
        row("  = % of the machine (" + Runtime.getRuntime().availableProcessors() + " cores)", "%.1f%%",
                100 * w.coresBusy() / Runtime.getRuntime().availableProcessors());
        if (r.s3proxyCores >= 0) {
            row("s3proxy child JVM over the window, cores busy (not in the process figure)", "%.3f", r.s3proxyCores);
        }
        if (r.harness != null) {
            row("harness only (same feed, no-op taps), cores busy", "%.3f", r.harness.coresBusy());
            row("egress = process - harness, cores busy", "%.3f", w.coresBusy() - r.harness.coresBusy());
        }
        if (r.fileChannel != null) {
            row("baseline: same bytes by plain FileChannel writes, cores busy", "%.4f", r.fileChannel.coresBusy());
        }
        row("stop all (StopEgress, close, commit" + (o.s3 == null ? ", fsync + rename" : ", upload") + "): wall s / CPU s",
                "%s", String.format(Locale.ROOT, "%.2f / %.2f", r.stop.wallSec(), r.stop.cpuSec())
                        + (r.s3StopCpuSec >= 0 ? String.format(Locale.ROOT, " (+ s3proxy %.2f CPU s)", r.s3StopCpuSec) : ""));
        row("packets fed / s (whole run avg)", "%.0f", r.packetsSent / (double) (o.warmup + o.seconds));
        row("bytes written in window / s", "%.0f", r.bytesInWindow / w.wallSec());
        row("GC pauses in window: count / total ms / max ms", "%s", w.gcPauses() + " / " + w.gcPauseMs() + " / "
                + w.gcPauseMaxMs());
        row("GC concurrent ms", "%d", w.gcConcurrentMs());
        row("heap used max / committed / limit (MiB)", "%s", (w.heapUsedMax() >> 20) + " / " + (w.heapCommitted() >> 20)
                + " / " + (w.heapLimit() >> 20));
        row("loop lag mean / max (ms)", "%s", String.format(Locale.ROOT, "%.2f / %.1f", r.loopLagMeanMs, r.loopLagMaxMs));
        row("feeder lateness max (ms)", "%.1f", r.feederLateMaxMs);
        row("tone payload bytes min / mean / max", "%s", r.payloadSizes);
        row("packets sent / lost / DTX", "%s", r.packetsSent + " / " + r.lost + " / " + r.dtxPackets);
        long ok = r.files.stream().filter(RecordingCheck.Result::ok).count();
        row("files valid / checked / not complete", "%s", ok + " / " + r.files.size() + " / " + r.notComplete);
        double maxErr = r.files.stream().mapToDouble(f -> Math.abs(f.durationSec() - f.expectedSec())).max().orElse(-1);
        row("max |duration - (fed + pad to the second)| (ms)", "%.1f", maxErr * 1000);
        double maxFirst = r.files.stream().mapToDouble(f -> Math.abs(f.firstAudioSec() - f.expectedFirstAudioSec()))
                .max().orElse(-1);
        row("max |first audio - first capture| (ms)", "%.1f", maxFirst * 1000);
        row("wall clock vs nanoTime drift over the run (ms)", "%.1f", r.clockDriftMs);
        for (String s : r.opusinfo) row("opusinfo", "%s", s);
        System.out.println(r.invalid() == 0 ? "RESULT VALID" : "RESULT INVALID (" + r.invalid() + " problems)");
    }

    private static void row(String name, String fmt, Object v) {
        System.out.printf(Locale.ROOT, "| %s | " + fmt + " |%n", name, v);
    }
}
