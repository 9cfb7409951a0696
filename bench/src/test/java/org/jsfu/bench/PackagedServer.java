package org.jsfu.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The packaged server ({@code server/target/jsfu-server.jar}) in a child JVM, started as the README's first
 * command does ({@code java --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED -jar ...}).
 * The jar is built by {@code mvn package} ({@code mvn verify} builds it before the bench tests run); a jar
 * older than the compiled classes of the modules it holds is refused, so a test never runs stale code.
 */
final class PackagedServer {
    static final Path JAR = Path.of("..", "server", "target", "jsfu-server.jar").toAbsolutePath().normalize();
    private static final List<String> MODULES = List.of("conf", "ogg-muxer", "sfu-core", "egress-writer",
            "signaling", "server");

    private PackagedServer() {}

    /** Starts the jar with {@code --config-body yaml --dev} in {@code workDir}; returns once its HTTP port accepts. */
    static Process start(String yaml, Map<String, String> env, int port, Path workDir, Path log) throws Exception {
        checkJar();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.foreign",
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString(), "--config-body", yaml, "--dev");
        pb.environment().putAll(env);
        pb.directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        long until = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < until) {
            if (!p.isAlive()) {
                throw new AssertionError("server exited: " + read(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return p;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("server did not listen: " + read(log));
    }

    private static void checkJar() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: run `mvn -B -q -o package -DskipTests` first");
        FileTime jar = Files.getLastModifiedTime(JAR);
        for (String m : MODULES) {
            Path classes = Path.of("..", m, "target", "classes");
            if (!Files.isDirectory(classes)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(classes)) {
                Path newer = s.filter(f -> f.toString().endsWith(".class"))
                        .filter(f -> modified(f).compareTo(jar) > 0).findFirst().orElse(null);
                assertTrue(newer == null, "the jar is older than " + newer
                        + ": run `mvn -B -q -o package -DskipTests` again");
            }
        }
    }

    private static FileTime modified(Path f) {
        try {
            return Files.getLastModifiedTime(f);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
