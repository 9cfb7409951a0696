package org.jsfu.bench.egress;

import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * s3proxy 4.1.0 (filesystem provider) in a child JVM on 127.0.0.1, for the S3 variant of the egress bench.
 * Its classpath is resolved offline by Maven from {@code server/src/test/s3proxy/pom.xml} (the same pom the
 * server's S3ProxyProcess test helper uses). Ready when an anonymous {@code GET /} answers 403.
 */
public final class S3ProxyLauncher implements AutoCloseable {
    public static final String ACCESS = "bench-access";
    public static final String SECRET = "bench-secret-123456";
    public static final String BUCKET = "recordings";
    private final Process process;
    private final int port;
    private final Path data;

    private S3ProxyLauncher(Process process, int port, Path data) {
        this.process = process;
        this.port = port;
        this.data = data;
    }

    public static S3ProxyLauncher start(Path pom, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cpFile = dir.resolve("s3proxy.classpath");
        Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-o", "-f", pom.toAbsolutePath().toString(),
                "dependency:build-classpath", "-Dmdep.includeScope=runtime", "-Dmdep.outputFile=" + cpFile)
                .redirectErrorStream(true).redirectOutput(dir.resolve("mvn.log").toFile()).start();
        if (!mvn.waitFor(5, TimeUnit.MINUTES) || mvn.exitValue() != 0) {
            mvn.destroy();
            throw new IOException("cannot resolve the s3proxy classpath, see " + dir.resolve("mvn.log"));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = Files.createDirectories(dir.resolve("data"));
        Path conf = dir.resolve("s3proxy.conf");
        Files.writeString(conf, String.join("\n", "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=" + ACCESS, "s3proxy.credential=" + SECRET,
                "jclouds.provider=filesystem", "jclouds.filesystem.basedir=" + data, ""));
        Path args = dir.resolve("java.args");
        Files.writeString(args, "-cp\n\"" + Files.readString(cpFile).trim() + "\"\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "@" + args,
                "org.gaul.s3proxy.Main", "--properties", conf.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        S3ProxyLauncher l = new S3ProxyLauncher(p, port, data);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                int st = http.send(HttpRequest.newBuilder(URI.create(l.endpoint() + "/")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (st == 403) break;
            } catch (IOException e) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                l.close();
                throw new IOException("s3proxy did not start, see " + dir.resolve("s3proxy.log"));
            }
            Thread.sleep(200);
        }
        try {
            MinioClient.builder().endpoint(l.endpoint()).credentials(ACCESS, SECRET).build()
                    .makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
        } catch (Exception e) {
            l.close();
            throw new IOException("make bucket: " + e, e);
        }
        return l;
    }

    public String endpoint() { return "http://127.0.0.1:" + port; }

    /** The filesystem provider's folder: objects are at {@code <data>/<bucket>/<key>}. */
    public Path data() { return data; }

    public long pid() { return process.pid(); }

    /** {@code --s3} argument value for EgressBench. */
    public String[] benchArgs() {
        return new String[] {endpoint(), BUCKET, ACCESS, SECRET, data.toString()};
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
