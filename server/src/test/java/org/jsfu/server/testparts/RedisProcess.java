package org.jsfu.server.testparts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real redis-server on 127.0.0.1 and a free port, with no persistence, in its own temporary folder.
 * It runs in the foreground as our child so it cannot outlive the test; {@link #close()} asks it to
 * SHUTDOWN NOSAVE, kills it if it does not go, and deletes the folder.
 */
public final class RedisProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisProcess.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final Path dir;
    private final Process process;

    private RedisProcess(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** Starts redis-server (from PATH, or REDIS_SERVER) and returns once it answers PING. */
    public static RedisProcess start() throws IOException {
        String exe = System.getenv().getOrDefault("REDIS_SERVER", "redis-server");
        Path dir = TempDirs.create("jsfu-redis-");
        int port = FreePorts.tcp();
        Path logFile = dir.resolve("redis.log");
        List<String> cmd = List.of(exe, "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--dir", dir.toString(), "--logfile", logFile.toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            TempDirs.deleteTree(dir);
            throw new IOException("cannot run " + exe + " (install redis-server: scripts/install-test-deps.sh)", e);
        }
        RedisProcess r = new RedisProcess(port, dir, p);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                if ("PONG".equals(r.ping())) {
                    log.info("redis started port={} pid={}", port, p.pid());
                    return r;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String why = p.isAlive() ? "no PONG within " + READY_TIMEOUT : "exited with " + p.exitValue();
                String tail = TempDirs.tail(logFile, 20) + "\n" + TempDirs.tail(dir.resolve("stdout.log"), 20);
                r.close();
                throw new IOException("redis-server " + why + "\n" + tail);
            }
            sleep(20);
        }
    }

    public int port() {
        return port;
    }

    /** host:port, as livekit.yaml's redis.address wants it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends PING as a RESP array and returns the simple-string reply ("PONG"). */
    public String ping() throws IOException {
        return command("PING");
    }

    /** Sends one command (RESP array of bulk strings) and returns the first reply line without its type byte. */
    public String command(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(FreePorts.LOOPBACK, port), 1000);
            s.setSoTimeout(2000);
            StringBuilder req = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                req.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readLine(s.getInputStream());
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        if (sb.length() == 0) {
            throw new IOException("connection closed without a reply");
        }
        return sb.substring(1);
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            try {
                command("SHUTDOWN", "NOSAVE");
            } catch (IOException expected) {
                // the server closes the connection while shutting down
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    ChildProcesses.stopTree(process, 2000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ChildProcesses.stopTree(process, 0);
            }
        }
        TempDirs.deleteTree(dir);
        log.info("redis stopped port={}", port);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
