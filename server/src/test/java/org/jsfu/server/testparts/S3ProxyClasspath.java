package org.jsfu.server.testparts;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime classpath of org.gaul:s3proxy, resolved by Maven from the small pom in
 * {@code src/test/s3proxy/pom.xml} (s3proxy's jar is not executable, and its dependencies clash with
 * ours, so it runs in a child JVM). The result is cached in the build folder until the pom changes.
 */
final class S3ProxyClasspath {
    private static final Logger log = LoggerFactory.getLogger(S3ProxyClasspath.class);

    private S3ProxyClasspath() {}

    /** Module-relative location of the pom; surefire runs tests with the module folder as cwd. */
    static Path pom() {
        Path p = Path.of(System.getProperty("jsfu.s3proxy.pom", "src/test/s3proxy/pom.xml")).toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("s3proxy pom not found at " + p + " (run from the server module)");
        }
        return p;
    }

    static synchronized String resolve() throws IOException {
        Path pom = pom();
        Path out = Path.of(System.getProperty("jsfu.build.dir", "target")).toAbsolutePath().resolve("s3proxy.classpath");
        if (Files.isRegularFile(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(pom)) > 0) {
            String cached = Files.readString(out).trim();
            if (allExist(cached)) {
                return cached;
            }
        }
        Files.createDirectories(out.getParent());
        List<String> cmd = new ArrayList<>(List.of(mavenExecutable(), "-B", "-q", "-f", pom.toString(),
                "dependency:build-classpath", "-Dmdep.includeScope=runtime", "-Dmdep.outputFile=" + out));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            cmd.add("-Dmaven.repo.local=" + repo);
        }
        log.info("resolving s3proxy classpath pom={}", pom);
        Path mvnLog = out.resolveSibling("s3proxy-classpath.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(mvnLog.toFile()).start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                ChildProcesses.stopTree(p, 1000);
                throw new IOException("mvn dependency:build-classpath timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ChildProcesses.stopTree(p, 0);
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(out)) {
            throw new IOException("mvn dependency:build-classpath failed (exit " + p.exitValue() + ")\n"
                    + TempDirs.tail(mvnLog, 30));
        }
        return Files.readString(out).trim();
    }

    private static boolean allExist(String classpath) {
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isEmpty() && !Files.exists(Path.of(entry))) {
                return false;
            }
        }
        return !classpath.isEmpty();
    }

    /** maven.home (passed by the build), then MAVEN_HOME / M2_HOME, then mvn on PATH. */
    private static String mavenExecutable() {
        for (String home : new String[] {System.getProperty("maven.home"), System.getenv("MAVEN_HOME"), System.getenv("M2_HOME")}) {
            if (home != null && !home.isBlank() && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
                return Path.of(home, "bin", "mvn").toString();
            }
        }
        return "mvn";
    }
}
