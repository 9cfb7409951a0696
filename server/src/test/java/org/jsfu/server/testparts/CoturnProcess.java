package org.jsfu.server.testparts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jsfu.server.ExternalAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real STUN server: Debian's coturn ({@code turnserver}) in STUN-only mode on 127.0.0.1 and a free
 * port, with no config file, CLI, TLS or DTLS, its database in its own temporary folder. It runs in the
 * foreground as our child; {@link #start} returns once it answers a Binding request.
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

    /** Starts turnserver (from PATH, or TURNSERVER) and returns once it answers STUN. */
    public static CoturnProcess start() throws IOException {
        String exe = System.getenv().getOrDefault("TURNSERVER", "turnserver");
        Path dir = TempDirs.create("jsfu-coturn-");
        int port = FreePorts.udp();
        Path logFile = dir.resolve("stdout.log");
        List<String> cmd = List.of(exe, "-n", "--stun-only", "--no-cli", "--no-tls", "--no-dtls", "--no-rfc5780",
                "--listening-ip=127.0.0.1", "--listening-port=" + port, "--db=" + dir.resolve("turndb"),
                "--pidfile=" + dir.resolve("turnserver.pid"), "--log-file=stdout", "--simple-log");
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

    @Override
    public void close() throws IOException {
        ChildProcesses.stopTree(process, 2000);
        TempDirs.deleteTree(dir);
        log.info("coturn stopped port={}", port);
    }
}
