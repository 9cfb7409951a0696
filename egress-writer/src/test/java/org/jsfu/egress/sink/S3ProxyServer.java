package org.jsfu.egress.sink;

import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * s3proxy 4.1.0 (filesystem backend) in a child JVM on a loopback port, for sink tests. {@link #stop} kills
 * it (an outage); {@link #start} brings it back on the same port and data folder.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String AK = "test-access-key";
    public static final String SK = "test-secret-key-123456";
    public static final String BUCKET = "recordings";

    private final Path dir;
    private final int port;
    private Process proc;

    S3ProxyServer(Path dir) throws IOException {
        this.dir = dir;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
    }

    /** Starts s3proxy and creates the bucket (when new); returns this. */
    public static S3ProxyServer startNew(Path dir) throws Exception {
        S3ProxyServer s = new S3ProxyServer(dir);
        s.start();
        s.admin().makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
        return s;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public MinioClient admin() {
        return MinioClient.builder().endpoint(endpoint()).credentials(AK, SK).region("us-east-1").build();
    }

    public S3Sink.Config config() {
        return new S3Sink.Config(endpoint(), "", BUCKET, AK, SK, "", true, "", Map.of("egress", "EG_1"), null);
    }

    public void start() throws Exception {
        Path base = Files.createDirectories(dir.resolve("s3data"));
        Path props = dir.resolve("s3proxy.conf");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=" + endpoint(), "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=" + AK,
                "s3proxy.credential=" + SK, "jclouds.provider=filesystem", "jclouds.filesystem.basedir=" + base, ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String logback = Path.of(S3ProxyServer.class.getResource("/s3proxy-logback.xml").toURI()).toString();
        Path argFile = dir.resolve("java.args");
        Files.writeString(argFile, "-cp\n\"" + System.getProperty("java.class.path") + "\"\n");
        proc = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + logback, "@" + argFile, "org.gaul.s3proxy.Main", "--properties", props.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!proc.isAlive()) throw new IOException("s3proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
            if (System.nanoTime() > deadline) throw new IOException("s3proxy not ready");
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
                c.setConnectTimeout(500);
                if (c.getResponseCode() == 403) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
    }

    /** Kills the server (SIGKILL): connections are refused until {@link #start}. */
    public void stop() throws InterruptedException {
        if (proc != null) {
            proc.destroyForcibly();
            proc.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** True while the server process runs (between {@link #start} and {@link #stop}). */
    public boolean running() {
        return proc != null && proc.isAlive();
    }

    /** The stored object {@code key}. */
    public byte[] object(String key) throws Exception {
        try (java.io.InputStream in = admin().getObject(io.minio.GetObjectArgs.builder().bucket(BUCKET).object(key).build())) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
