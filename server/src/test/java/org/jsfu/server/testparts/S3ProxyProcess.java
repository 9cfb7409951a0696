package org.jsfu.server.testparts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 API server: org.gaul:s3proxy 4.1.0 with the filesystem provider, in a child JVM on
 * 127.0.0.1 and a free port. Ready when an anonymous {@code GET /} answers 403. {@link #close()} stops
 * the JVM and deletes its folder (config, log and stored objects). Path-style access only; bucket
 * names need 3+ characters.
 */
public final class S3ProxyProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3ProxyProcess.class);
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-123456";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final int port;
    private final Path dir;
    private final Process process;

    private S3ProxyProcess(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    public static S3ProxyProcess start() throws IOException {
        String classpath = S3ProxyClasspath.resolve();
        Path dir = TempDirs.create("jsfu-s3proxy-");
        int port = FreePorts.tcp();
        Path data = Files.createDirectories(dir.resolve("data"));
        Path conf = dir.resolve("s3proxy.conf");
        Files.writeString(conf, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data, ""));
        Path logback = dir.resolve("logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        Path argFile = dir.resolve("java.args");
        Files.writeString(argFile, "-cp\n\"" + classpath + "\"\n");
        Path logFile = dir.resolve("s3proxy.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + logback, "@" + argFile,
                "org.gaul.s3proxy.Main", "--properties", conf.toString());
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).start();
        S3ProxyProcess s3 = new S3ProxyProcess(port, dir, p);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            int status = s3.anonymousGetRootStatus(http);
            if (status == 403) {
                log.info("s3proxy started port={} pid={}", port, p.pid());
                return s3;
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String why = p.isAlive() ? "not ready within " + READY_TIMEOUT + " (last status " + status + ")"
                        : "exited with " + p.exitValue();
                String tail = TempDirs.tail(logFile, 30);
                s3.close();
                throw new IOException("s3proxy " + why + "\n" + tail);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                s3.close();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** HTTP status of an unsigned GET / (403 once s3proxy serves), or -1 when nothing answers. */
    int anonymousGetRootStatus(HttpClient http) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** http://127.0.0.1:port (path-style). */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The folder that holds the filesystem provider's buckets (deleted by close). */
    public Path dataDir() {
        return dir.resolve("data");
    }

    @Override
    public void close() throws IOException {
        ChildProcesses.stopTree(process, 5000);
        TempDirs.deleteTree(dir);
        log.info("s3proxy stopped port={}", port);
    }
}
