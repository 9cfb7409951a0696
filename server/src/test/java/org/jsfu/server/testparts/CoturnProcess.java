package org.jsfu.server.testparts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jsfu.server.ExternalAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's coturn ({@code turnserver}) on 127.0.0.1 and a free port, with no config file, CLI, TLS or DTLS,
 * its database in its own temporary folder: a STUN server ({@link #startStun}), or a TURN server whose
 * credentials come from a shared secret by the TURN REST scheme ({@link #startTurn}: {@code use-auth-secret},
 * relaying on 127.0.0.1 and, as it must here, to loopback peers). It runs in the foreground as our child; the
 * start returns once it answers a Binding request.
 */
public final class CoturnProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoturnProcess.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final Path dir;
    private final Process process;

    private CoturnProcess(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** A STUN server only. */
    public static CoturnProcess startStun() throws IOException {
        return start(List.of("--stun-only"));
    }

    /** A TURN server (UDP) that accepts credentials made from {@code secret}, realm {@code jsfu.test}. */
    public static CoturnProcess startTurn(String secret) throws IOException {
        return start(List.of("--use-auth-secret", "--static-auth-secret=" + secret, "--realm=jsfu.test",
                "--relay-ip=127.0.0.1", "--allow-loopback-peers"));
    }

    /** Starts turnserver (from PATH, or TURNSERVER) with {@code mode} and returns once it answers STUN. */
    private static CoturnProcess start(List<String> mode) throws IOException {
        String exe = System.getenv().getOrDefault("TURNSERVER", "turnserver");
        Path dir = TempDirs.create("jsfu-coturn-");
        int port = FreePorts.udp();
        Path logFile = dir.resolve("stdout.log");
        List<String> cmd = new java.util.ArrayList<>(List.of(exe, "-n", "--no-cli", "--no-tls", "--no-dtls",
                "--no-rfc5780", "--listening-ip=127.0.0.1", "--listening-port=" + port, "--db=" + dir.resolve("turndb"),
                "--pidfile=" + dir.resolve("turnserver.pid"), "--log-file=stdout", "--simple-log"));
        cmd.addAll(mode);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        } catch (IOException e) {
            TempDirs.deleteTree(dir);
            throw new IOException("cannot run " + exe + " (install coturn: scripts/install-test-deps.sh)", e);
        }
        CoturnProcess c = new CoturnProcess(port, dir, p);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                ExternalAddress.resolve(List.of(c.server()), 50);
                log.info("coturn started port={} pid={}", port, p.pid());
                return c;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String why = p.isAlive() ? "no STUN answer within " + READY_TIMEOUT : "exited with " + p.exitValue();
                String tail = TempDirs.tail(logFile, 30);
                c.close();
                throw new IOException("turnserver " + why + "\n" + tail);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.close();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** "127.0.0.1:port", as rtc.stun_servers lists a server. */
    public String server() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The last lines of its log (what it printed about allocations and refused credentials). */
    public String logTail(int lines) {
        return TempDirs.tail(dir.resolve("stdout.log"), lines);
    }

    @Override
    public void close() throws IOException {
        ChildProcesses.stopTree(process, 2000);
        TempDirs.deleteTree(dir);
        log.info("coturn stopped port={}", port);
    }
}
