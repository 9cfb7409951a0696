package org.jsfu.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jsfu.bench.client.ClientContext;
import org.jsfu.bench.client.ReceiveMode;
import org.jsfu.bench.client.SimClient;
import org.jsfu.bench.client.Tokens;
import org.jsfu.bench.client.TrackStats;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;

/**
 * Audio forwarding load: R rooms of N publishers (50 opus-like packets/s each) and M subscribers,
 * run for T seconds against a server in its own process; reports packets forwarded per server
 * CPU-second (utime + stime from /proc/&lt;pid&gt;/stat) next to this machine's floor measured in the
 * same run ({@link Floor}).
 *
 * <pre>
 * java -cp ... org.jsfu.bench.LoadBench [--rooms 1] [--publishers 5] [--subscribers 40] [--seconds 20] [--warmup 2]
 *     [--server process | jar:&lt;path to jsfu-server.jar&gt; | ws://host:port --pid &lt;server pid&gt;]
 *     [--key devkey --secret secret] [--server-jvm &lt;one extra server JVM argument&gt;]...
 *     [--client-receive block | spin] [--idle 0] [--warmup-until-quiet S [--warmup-quiet-max 300]]
 * </pre>
 * {@code --warmup-until-quiet S}: after the warm-up, wait (at most {@code --warmup-quiet-max} s) until the
 * server's JIT compiler threads used under 1% of one core over the last S seconds ({@link QuietCompiler}).
 * The window's server CPU is also reported per thread group ({@link ThreadCpu}, {@link WindowCpu}).
 * {@code --client-receive spin} makes the client's receive thread poll without a selector so no server
 * send pays a receiver wake-up on loopback ({@link ReceiveMode}); {@code block} (default) is a real client.
 * {@code process} (default) starts {@link ServerProcess} from this classpath; {@code jar:} runs the
 * packaged server with {@code --dev}; a ws:// URL uses a running server (give --pid for its CPU).
 */
public final class LoadBench {
    private LoadBench() {}

    record Options(int rooms, int publishers, int subscribers, int seconds, String server, long pid, String key,
                   String secret, List<String> serverJvm, ReceiveMode clientReceive, int warmup, int idle,
                   int warmupUntilQuiet, int quietMax) {
        static Options parse(String[] a) {
            int rooms = 1, pubs = 5, subs = 40, secs = 20, warmup = 2, idle = 0, untilQuiet = 0, quietMax = 300;
            String server = "process", key = InProcessServer.KEY, secret = InProcessServer.SECRET;
            long pid = -1;
            List<String> serverJvm = new ArrayList<>();
            ReceiveMode clientReceive = ReceiveMode.BLOCK;
            for (int i = 0; i + 1 < a.length; i += 2) {
                switch (a[i]) {
                    case "--rooms" -> rooms = Integer.parseInt(a[i + 1]);
                    case "--publishers" -> pubs = Integer.parseInt(a[i + 1]);
                    case "--subscribers" -> subs = Integer.parseInt(a[i + 1]);
                    case "--seconds" -> secs = Integer.parseInt(a[i + 1]);
                    case "--warmup" -> warmup = Integer.parseInt(a[i + 1]);
                    case "--idle" -> idle = Integer.parseInt(a[i + 1]);
                    case "--warmup-until-quiet" -> untilQuiet = Integer.parseInt(a[i + 1]);
                    case "--warmup-quiet-max" -> quietMax = Integer.parseInt(a[i + 1]);
                    case "--server" -> server = a[i + 1];
                    case "--pid" -> pid = Long.parseLong(a[i + 1]);
                    case "--key" -> key = a[i + 1];
                    case "--secret" -> secret = a[i + 1];
                    case "--server-jvm" -> serverJvm.add(a[i + 1]);
                    case "--client-receive" -> clientReceive = ReceiveMode.parse(a[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + a[i]);
                }
            }
            if (untilQuiet < 0 || quietMax < 0) {
                throw new IllegalArgumentException("--warmup-until-quiet and --warmup-quiet-max take seconds >= 0");
            }
            return new Options(rooms, pubs, subs, secs, server, pid, key, secret, List.copyOf(serverJvm), clientReceive,
                    warmup, idle, untilQuiet, quietMax);
        }
    }

    /** The server under test: its signalling URL and the pid whose CPU time is read. */
    record Target(String wsBase, long pid, Process process) implements AutoCloseable {
        @Override
        public void close() {
            if (process != null) {
                try {
                    process.getOutputStream().close();
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroy();
                    }
                } catch (IOException | InterruptedException e) {
                    process.destroy();
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        System.out.printf("machine: %s, %d cpus, java %s%n", cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        System.out.printf("load: %d room(s) x %d publishers x %d subscribers, %d s after a %d s warm-up%n", o.rooms,
                o.publishers, o.subscribers, o.seconds, o.warmup);
        System.out.printf("client receive: %s (%s)%n", o.clientReceive.flag(), o.clientReceive == ReceiveMode.SPIN
                ? "one thread polls every channel without a selector and never parks: no send pays a receiver wake-up"
                : "one thread blocks in a selector: on loopback each server send also pays the client's wake-up");
        int sinks = o.rooms * o.subscribers; // one subscriber PC, so one socket, per subscriber
        double[] before = floor(sinks);
        Result r;
        try (Target t = startTarget(o); ClientContext ctx = new ClientContext(o.clientReceive)) {
            r = run(o, t, ctx);
        }
        double[] after = floor(sinks);
        double sendNs = Math.min(before[0], after[0]);
        double cmNs = Math.min(before[1], after[1]);
        double gcmNs = Math.min(before[2], after[2]);
        double protectNs = r.profile == SrtpProfile.AEAD_AES_128_GCM ? gcmNs : cmNs;
        double floorPerCore = 1e9 / (sendNs + protectNs);
        double send16Ns = Math.min(before[3], after[3]);
        double mmsgNs = Math.min(before[4], after[4]);
        double waitedNs = Math.min(before[5], after[5]);
        double[] shaped = before[6] <= after[6] ? new double[] {before[6], before[7]} : new double[] {after[6], after[7]};
        System.out.println();
        System.out.println("| measure | value |");
        System.out.println("|---|---|");
        row("client receive mode", "%s", o.clientReceive.flag());
        row("warm-up before the window (s)", "%d", o.warmup);
        row("publisher packets sent", "%d", r.sent);
        row("subscriber packets received (= forwarded)", "%d", r.received);
        row("delivery (received / (sent x subscribers))", "%.4f", r.received / (double) Math.max(1, r.expected));
        row("forwarded packets/s", "%.0f", r.received / r.wallSec);
        row("server CPU (utime+stime), cores busy", "%.3f", r.serverCpuSec / r.wallSec);
        row("**forwarded packets per server CPU-second**", "**%.0f**", r.received / r.serverCpuSec);
        row("server CPU per forwarded packet (us)", "%.2f", r.serverCpuSec * 1e6 / r.received);
        row("client process CPU, cores busy", "%.3f", r.clientCpuSec / r.wallSec);
        row("latency mean / max (ms)", "%s", String.format("%.2f / %.2f", r.latMeanMs, r.latMaxMs));
        row("sequence gaps at subscribers", "%d", r.gaps);
        row("floor: DatagramChannel.send 120 B loopback (us; before, after)", "%s", String.format("%.2f (%.2f, %.2f)",
                sendNs / 1000, before[0] / 1000, after[0] / 1000));
        row("floor: DatagramChannel.send 120 B to a loopback socket whose receiver blocks in a selector (us; before, after)",
                "%s", String.format("%.2f (%.2f, %.2f)", waitedNs / 1000, before[5] / 1000, after[5] / 1000));
        row("floor: receiver wake-up paid per send (waited - unwaited, us)", "%.2f", (waitedNs - sendNs) / 1000);
        row("floor: SRTP protect 120 B AES_CM_128_HMAC_SHA1_80 (us)", "%.3f", cmNs / 1000);
        row("floor: SRTP protect 120 B AEAD_AES_128_GCM, GHASH " + SrtpSession.gcmHashImplementation() + ", CTR "
                + SrtpSession.gcmCounterImplementation() + " (us)", "%.3f", gcmNs / 1000);
        row("negotiated SRTP profile", "%s", r.profile);
        row("floor: send + protect (negotiated profile), packets per core-second", "%.0f", floorPerCore);
        row("floor: DatagramChannel.send 120 B to 16 rotating destinations (us)", "%.2f", send16Ns / 1000);
        row("floor: Netty epoll sendmmsg, 32 x 120 B per flush to 16 rotating destinations (us per datagram)", "%.2f",
                mmsgNs / 1000);
        row("floor: sendmmsg + protect (negotiated profile), packets per core-second", "%.0f",
                1e9 / (mmsgNs + protectNs));
        row("measured / floor", "%.3f", (r.received / r.serverCpuSec) / floorPerCore);
        row("floor: Netty epoll sendmmsg, 32 x 120 B per flush to " + sinks + " sockets drained by a spinning thread"
                + " (sender CPU us per datagram; before, after)", "%s", String.format("%.2f (%.2f, %.2f)",
                shaped[0] / 1000, before[6] / 1000, after[6] / 1000));
        row("floor: the same, sender system time (us per datagram)", "%.2f", shaped[1] / 1000);
        double shapedPerCore = 1e9 / (shaped[0] + protectNs);
        row("floor: sendmmsg to " + sinks + " + protect (negotiated profile), packets per core-second", "%.0f",
                shapedPerCore);
        row("measured / sendmmsg-to-" + sinks + " + protect floor", "%.3f", (r.received / r.serverCpuSec) / shapedPerCore);
        if (r.quiet != null) {
            row("extra warm-up until C1+C2 < " + (int) (QUIET_SHARE * 100) + "% of a core over " + o.warmupUntilQuiet
                    + " s (s; quiet?)", "%s", String.format("%.0f (%s)", r.quiet.waitedSec(), r.quiet.quiet() ? "yes"
                    : "no, stopped at " + o.quietMax + " s"));
        }
        printThreadGroups(r);
        if (o.idle > 0) {
            row("idle: server cores busy, every session connected, no audio (" + o.idle + " s after the window)", "%.4f",
                    r.idleCpuSec / r.idleWallSec);
            row("idle: that CPU per forwarded packet at this load (us)", "%.2f",
                    r.idleCpuSec / r.idleWallSec * 1e6 / (r.received / r.wallSec));
        }
        double delivery = r.received / (double) Math.max(1, r.expected);
        if (delivery > 1.01 || delivery < 0.99 || r.latMeanMs > 50) {
            System.out.println();
            System.out.println("WARNING: delivery or latency out of range: the clients (or the machine) did not keep up,"
                    + " so received packets include a backlog from before the window; this result is not valid."
                    + " Reduce the load or run the clients on another machine.");
        }
    }

    /**
     * {send, AES-CM protect, GCM protect, send to 16 destinations, sendmmsg 32 per flush to 16, send to a
     * receiver blocked in a selector, sendmmsg 32 per flush to {@code sinks} sockets drained by a spinning
     * thread (sender CPU), the same (sender system time)} in ns:
     * the best of three rounds (the machine may be shared); NaN where epoll is unavailable.
     */
    private static double[] floor(int sinks) throws Exception {
        double[] best = new double[8];
        Arrays.fill(best, Double.MAX_VALUE);
        for (int i = 0; i < 3; i++) {
            best[0] = Math.min(best[0], Floor.sendNanos(100_000));
            best[1] = Math.min(best[1], Floor.protectNanos(SrtpProfile.AES_CM_128_HMAC_SHA1_80, 200_000));
            best[2] = Math.min(best[2], Floor.protectNanos(SrtpProfile.AEAD_AES_128_GCM, 200_000));
            best[3] = Math.min(best[3], Floor.sendNanos(100_000, 16));
            best[4] = Math.min(best[4], Floor.sendmmsgNanos(100_000, 32, 16));
            best[5] = Math.min(best[5], Floor.sendToWaitingReceiverNanos(100_000));
            double[] shaped = Floor.sendmmsgSpinDrainNanos(200_000, 32, sinks);
            if (!(shaped[0] >= best[6])) { // the system time of the best round
                best[6] = shaped[0];
                best[7] = shaped[1];
            }
        }
        return best;
    }

    /** The window's server CPU by thread group, per forwarded packet and as a share of the process's CPU. */
    private static void printThreadGroups(Result r) {
        WindowCpu w = r.byThread;
        double perPkt = 1e6 / r.hz / r.received; // us per forwarded packet for one tick
        double all = Math.max(1, w.processTicks());
        for (String g : w.groups().keySet()) {
            long ticks = w.total(g);
            row("server CPU in window: " + g + " (us per forwarded packet, share)", "%s",
                    String.format("%.2f (%.1f%%)", ticks * perPkt, 100 * ticks / all));
        }
        long[] loop = w.groups().get("media-loop");
        // the split is sampled at the timer tick, which can lock onto the load's 20 ms period: check it with
        // perf (bench/README.md); the total above is exact
        row("server CPU in window: media-loop user time, tick-sampled (us per forwarded packet)", "%.2f",
                loop[0] * perPkt);
        row("server CPU in window: media-loop system time, tick-sampled (us per forwarded packet)", "%.2f",
                loop[1] * perPkt);
        row("media-loop per second: context switches voluntary (parked) / involuntary (preempted), CPU migrations;"
                + " forwarded packets per voluntary switch", "%s", String.format("%.0f / %.0f, %.1f; %.1f",
                loop[2] / r.wallSec, loop[3] / r.wallSec, loop[4] / r.wallSec,
                r.received / (double) Math.max(1, loop[2])));
        row("server CPU in window: threads that exited in the window (" + w.exitedThreads() + " exited, "
                + w.bornThreads() + " born; unattributed us per forwarded packet, share)", "%s",
                String.format("%.2f (%.1f%%)", w.unattributed() * perPkt, 100 * w.unattributed() / all));
        long[] m = r.machineTicks;
        double machineBusy = m[0] / r.hz / r.wallSec;
        row("machine in window, cores busy: all / server / bench client / everything else; steal", "%s",
                String.format("%.3f / %.3f / %.3f / %.3f; %.3f", machineBusy, r.serverCpuSec / r.wallSec,
                        r.clientCpuSec / r.wallSec, machineBusy - (r.serverCpuSec + r.clientCpuSec) / r.wallSec,
                        m[1] / r.hz / r.wallSec));
        // /proc/stat is sampled at the tick; a tick the vCPU missed (descheduled by the host and not
        // reported as steal) is in no field, while the processes' times follow the scheduler's clock
        row("machine in window: /proc/stat ticks accounted / (cpus x wall)", "%.3f",
                m[2] / r.hz / r.wallSec / Runtime.getRuntime().availableProcessors());
        StringBuilder other = new StringBuilder();
        w.otherByName().entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(6)
                .forEach(e -> other.append(other.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                        .append(String.format("%.2f", e.getValue() * perPkt)));
        row("server CPU in window: other, largest by thread name (us per forwarded packet)", "%s",
                other.length() == 0 ? "-" : other.toString());
    }

    private static void row(String name, String fmt, Object v) {
        System.out.println("| " + name + " | " + String.format(fmt, v) + " |");
    }

    record Result(long sent, long received, long expected, double wallSec, double serverCpuSec, double clientCpuSec,
                  double latMeanMs, double latMaxMs, long gaps, SrtpProfile profile, double idleCpuSec,
                  double idleWallSec, WindowCpu byThread, double hz, QuietCompiler.Outcome quiet,
                  long[] machineTicks) {}

    /** The compiler's bound for {@code --warmup-until-quiet}: 1% of one core. */
    static final double QUIET_SHARE = 0.01;

    static Result run(Options o, Target t, ClientContext ctx) throws Exception {
        Duration timeout = Duration.ofSeconds(60); // setup of hundreds of DTLS handshakes on a small machine
        List<SimClient> subs = new ArrayList<>();
        List<SimClient.Outgoing> tracks = new ArrayList<>();
        List<SimClient> all = new ArrayList<>();
        try {
            for (int room = 0; room < o.rooms; room++) {
                String name = "load-" + room;
                for (int s = 0; s < o.subscribers; s++) {
                    SimClient c = SimClient.connect(ctx, t.wsBase, Tokens.join(o.key, o.secret, name,
                            "sub-" + room + "-" + s, false, true), timeout);
                    subs.add(c);
                    all.add(c);
                }
                List<CompletableFuture<SimClient.Outgoing>> pending = new ArrayList<>();
                for (int p = 0; p < o.publishers; p++) {
                    // like a browser publisher: allowed to subscribe (so room.connect() waits for the
                    // primary subscriber PC), but auto_subscribe=0 so it receives nothing
                    SimClient c = SimClient.connect(ctx, t.wsBase, Tokens.join(o.key, o.secret, name,
                            "pub-" + room + "-" + p, true, true), false, timeout);
                    all.add(c);
                    pending.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return c.publishAudio("mic", timeout);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                for (CompletableFuture<SimClient.Outgoing> f : pending) {
                    tracks.add(f.get(120, TimeUnit.SECONDS));
                }
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!allFlowing(subs, o.publishers)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("subscribers did not all receive every track within 60 s");
                }
                Thread.sleep(100);
            }
            Thread.sleep(o.warmup * 1000L); // warm-up: JIT, buffers
            double hz = clockTicksPerSecond();
            QuietCompiler.Outcome quiet = null;
            if (o.warmupUntilQuiet > 0) {
                quiet = QuietCompiler.await(t.pid, o.warmupUntilQuiet, o.quietMax, QUIET_SHARE, hz);
                System.out.printf("waited %.0f s more for the compiler: %s (C1+C2 %.2f%% of a core over the last %d s)%n",
                        quiet.waitedSec(), quiet.quiet() ? "quiet" : "NOT quiet by --warmup-quiet-max " + o.quietMax,
                        quiet.share() * 100, o.warmupUntilQuiet);
            }
            long sent0 = sent(tracks);
            long recv0 = received(subs);
            long gaps0 = gaps(subs);
            long latSum0 = 0, latN0 = 0;
            for (SimClient s : subs) {
                for (TrackStats ts : s.receivedTracks()) {
                    ts.markWindow();
                    latSum0 += ts.latencySumNanos();
                    latN0 += ts.timedPackets();
                }
            }
            ThreadCpu.Snapshot threads0 = ThreadCpu.read(t.pid);
            long[] machine0 = ThreadCpu.machine();
            long srv0 = cpuTicks(t.pid);
            long cli0 = cpuTicks(ProcessHandle.current().pid());
            long w0 = System.nanoTime();
            Thread.sleep(o.seconds * 1000L);
            long sent = sent(tracks) - sent0;
            long recv = received(subs) - recv0;
            long srv = cpuTicks(t.pid) - srv0;
            WindowCpu byThread = WindowCpu.between(threads0, ThreadCpu.read(t.pid));
            long[] machine = ThreadCpu.machine();
            for (int i = 0; i < machine.length; i++) {
                machine[i] -= machine0[i];
            }
            long cli = cpuTicks(ProcessHandle.current().pid()) - cli0;
            double wall = (System.nanoTime() - w0) / 1e9;
            long latSum = -latSum0, latN = -latN0;
            double latMax = 0;
            for (SimClient s : subs) {
                for (TrackStats ts : s.receivedTracks()) {
                    latSum += ts.latencySumNanos();
                    latN += ts.timedPackets();
                    latMax = Math.max(latMax, ts.windowMaxLatencyMs());
                }
            }
            long gapsEnd = gaps(subs);
            double idleCpu = 0, idleWall = 0;
            if (o.idle > 0) {
                // the fixed cost: the same sessions (PCs, consent, RTCP, timers, WebSockets), no audio
                tracks.forEach(tr -> tr.pause(true));
                Thread.sleep(3000);
                long i0 = cpuTicks(t.pid);
                long iw0 = System.nanoTime();
                Thread.sleep(o.idle * 1000L);
                idleCpu = (cpuTicks(t.pid) - i0) / hz;
                idleWall = (System.nanoTime() - iw0) / 1e9;
            }
            return new Result(sent, recv, sent * o.subscribers, wall, srv / hz, cli / hz, latSum / 1e6 / Math.max(1, latN),
                    latMax, gapsEnd - gaps0, subs.get(0).subscriberPeer().connected().getNow(null), idleCpu, idleWall,
                    byThread, hz, quiet, machine);
        } finally {
            for (SimClient c : all) {
                c.leave();
            }
        }
    }

    private static boolean allFlowing(List<SimClient> subs, int publishers) {
        for (SimClient s : subs) {
            long flowing = s.receivedTracks().stream().filter(t -> t.packets() > 0).count();
            if (flowing < publishers) {
                return false;
            }
        }
        return true;
    }

    private static long sent(List<SimClient.Outgoing> tracks) {
        return tracks.stream().mapToLong(t -> t.source.sent()).sum();
    }

    private static long received(List<SimClient> subs) {
        return subs.stream().flatMap(s -> s.receivedTracks().stream()).mapToLong(TrackStats::packets).sum();
    }

    private static long gaps(List<SimClient> subs) {
        return subs.stream().flatMap(s -> s.receivedTracks().stream()).mapToLong(TrackStats::gaps).sum();
    }

    /**
     * What the server's run command carries for sendmmsg from the media loops (sfu-core NativeSend):
     * the incubating Foreign Linker module, native access, and the NIO socket's fd. A server built
     * before that ignores them; {@code --server-jvm -Djsfu.rtc.sendmmsg=false} selects the NIO send. Also the
     * JDK's GHASH for AEAD_AES_128_GCM (sfu-core ClmulGhash), which the jar's manifest opens as well.
     */
    static final List<String> SENDMMSG_JVM = List.of("--add-modules", "jdk.incubator.foreign",
            "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/com.sun.crypto.provider=ALL-UNNAMED");

    static Target startTarget(Options o) throws Exception {
        if (o.server.startsWith("ws://") || o.server.startsWith("wss://")) {
            if (o.pid <= 0) {
                throw new IllegalArgumentException("--pid is required with a server URL (its CPU time is read)");
            }
            return new Target(o.server, o.pid, null);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-XX:+UseG1GC"));
        cmd.addAll(SENDMMSG_JVM);
        cmd.addAll(o.serverJvm);
        if (o.server.equals("process")) {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ServerProcess.class.getName()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("JSFU_READY ")) {
                    String ws = line.split(" ")[1].substring(3);
                    drain(out);
                    return new Target(ws, p.pid(), p);
                }
            }
            throw new IOException("server process exited before it was ready");
        }
        if (o.server.startsWith("jar:")) {
            int port = InProcessServer.freeTcpPort();
            int udp = InProcessServer.freeUdpPort();
            // a free ICE-TCP port too: the default 7881 may be held by another server on this machine
            String yaml = "port: " + port + "\nbind_addresses: [127.0.0.1]\nkeys:\n  " + o.key + ": " + o.secret
                    + "\nrtc:\n  udp_port: " + udp + "\n  tcp_port: " + InProcessServer.freeTcpPort()
                    + "\n  node_ip: 127.0.0.1\nlogging:\n  level: warn\n";
            cmd.addAll(List.of("-jar", o.server.substring(4), "--dev", "--config-body", yaml));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    return new Target("ws://127.0.0.1:" + port, p.pid(), p);
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            p.destroy();
            throw new IOException("server jar did not listen on " + port);
        }
        throw new IllegalArgumentException("--server must be process, jar:<path> or ws://host:port");
    }

    private static void drain(BufferedReader out) {
        Thread t = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard the server's log
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "server-log-drain");
        t.setDaemon(true);
        t.start();
    }

    /** utime + stime of {@code pid} in clock ticks (proc(5): fields 14 and 15 of /proc/pid/stat). */
    static long cpuTicks(long pid) throws IOException {
        long[] us = ThreadCpu.userSystem(Files.readString(Path.of("/proc/" + pid + "/stat")));
        return us[0] + us[1];
    }

    static double clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return Double.parseDouble(v);
        } catch (IOException | NumberFormatException e) {
            return 100;
        }
    }

    static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return "unknown cpu";
    }
}
