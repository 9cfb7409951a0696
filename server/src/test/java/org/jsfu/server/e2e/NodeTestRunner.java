package org.jsfu.server.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jsfu.server.testparts.ChildProcesses;
import org.junit.jupiter.api.Assertions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Node test file ({@code node --test <file>}) in the e2e folder so that Maven Surefire stays
 * the only runner CI reads: output goes to the log line by line, the run is killed (with the Chromium
 * processes it started) after the timeout, and {@link #runAndAssertPass} fails the JUnit test with the
 * tail of node's output. Installs e2e/node_modules with {@code npm ci} when it is missing.
 */
public final class NodeTestRunner {
    private static final Logger log = LoggerFactory.getLogger(NodeTestRunner.class);
    private static final int TAIL_LINES = 80;

    private final Path workDir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout = Duration.ofMinutes(5);

    public NodeTestRunner(Path workDir) {
        this.workDir = workDir.toAbsolutePath().normalize();
    }

    /** A runner in the repository's e2e folder (found upwards from the working directory). */
    public static NodeTestRunner forE2e() {
        return new NodeTestRunner(e2eDir());
    }

    /** The e2e runner pointed at an in-process server with the dev keys (devkey / secret) and its ICE-TCP port. */
    public static NodeTestRunner forDevServer(org.jsfu.server.JsfuServer server, int rtcTcpPort) {
        return forE2e()
                .env("LK_URL", "ws://127.0.0.1:" + server.port())
                .env("LK_API_KEY", "devkey")
                .env("LK_API_SECRET", "secret")
                .env("LK_RTC_TCP_PORT", Integer.toString(rtcTcpPort));
    }

    /** The e2e folder: the nearest ancestor of the cwd that holds e2e/package.json. */
    public static Path e2eDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("e2e/package.json"))) {
                return d.resolve("e2e");
            }
        }
        throw new IllegalStateException("no e2e/package.json above " + Path.of("").toAbsolutePath());
    }

    public NodeTestRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public NodeTestRunner timeout(Duration t) {
        this.timeout = t;
        return this;
    }

    /** What a node run did: exit code (-1 when killed on timeout) and the last lines of its output. */
    public record Result(int exitCode, boolean timedOut, List<String> tail) {
        public boolean passed() {
            return exitCode == 0 && !timedOut;
        }

        public String tailText() {
            return String.join("\n", tail);
        }
    }

    /** Runs {@code node --test --test-reporter=spec <files>}; files are relative to the work dir. */
    public Result run(String... testFiles) throws IOException, InterruptedException {
        ensureNodeModules();
        List<String> cmd = new ArrayList<>(List.of("node", "--test", "--test-reporter=spec"));
        cmd.addAll(List.of(testFiles));
        return exec(cmd, String.join(",", testFiles), timeout);
    }

    /** Runs the test files and fails the calling JUnit test unless node exits 0 in time. */
    public void runAndAssertPass(String... testFiles) throws IOException, InterruptedException {
        Result r = run(testFiles);
        if (!r.passed()) {
            String what = r.timedOut() ? "timed out after " + timeout : "exited with " + r.exitCode();
            Assertions.fail("node --test " + String.join(" ", testFiles) + " " + what + "; last output:\n" + r.tailText());
        }
    }

    private void ensureNodeModules() throws IOException, InterruptedException {
        if (!Files.isRegularFile(workDir.resolve("package.json")) || Files.isDirectory(workDir.resolve("node_modules"))) {
            return;
        }
        Result r = exec(List.of("npm", "ci", "--no-audit", "--no-fund"), "npm-ci", Duration.ofMinutes(5));
        if (!r.passed()) {
            throw new IOException("npm ci failed in " + workDir + ":\n" + r.tailText());
        }
    }

    private Result exec(List<String> cmd, String label, Duration limit) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        log.info("node run start label={} dir={} timeoutS={}", label, workDir, limit.toSeconds());
        Process p = pb.start();
        p.getOutputStream().close();
        Deque<String> tail = new ArrayDeque<>();
        Thread pump = new Thread(() -> pump(p, label, tail), "node-output-" + p.pid());
        pump.setDaemon(true);
        pump.start();
        boolean finished = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            log.warn("node run timed out label={} timeoutS={}", label, limit.toSeconds());
            ChildProcesses.stopTree(p, 5000);
        }
        pump.join(5000);
        int code = finished ? p.exitValue() : -1;
        log.info("node run end label={} exit={} timedOut={}", label, code, !finished);
        synchronized (tail) {
            return new Result(code, !finished, new ArrayList<>(tail));
        }
    }

    private static void pump(Process p, String label, Deque<String> tail) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                log.info("node[{}] {}", label, line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            log.debug("node output closed label={}", label);
        }
    }
}
