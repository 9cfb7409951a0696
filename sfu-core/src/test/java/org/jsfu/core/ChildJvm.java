package org.jsfu.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A main class run in a child JVM on the tests' class path: for what JVM flags decide at start. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The child's output (stdout and stderr); fails the test unless it exits 0 within {@code seconds}. */
    public static String run(List<String> flags, Class<?> main, long seconds, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "child JVM did not end: " + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** The last {@code n} lines of {@code out}, each stripped, joined by "\n". */
    public static String lastLines(String out, int n) {
        String[] lines = out.strip().split("\n");
        StringBuilder b = new StringBuilder();
        for (int i = Math.max(0, lines.length - n); i < lines.length; i++) {
            b.append(b.length() > 0 ? "\n" : "").append(lines[i].strip());
        }
        return b.toString();
    }
}
