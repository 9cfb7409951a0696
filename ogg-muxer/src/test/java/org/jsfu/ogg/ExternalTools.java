package org.jsfu.ogg;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs opusinfo / ffprobe; a missing binary fails the test (never skips). */
public final class ExternalTools {
    private ExternalTools() {}

    public static String require(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                File f = new File(dir, name);
                if (f.canExecute()) return f.getAbsolutePath();
            }
        }
        fail(name + " is not installed: run scripts/install-test-deps.sh (opus-tools, ffmpeg)");
        return null;
    }

    /** Runs the command; returns stdout+stderr; fails the test on a non-zero exit. */
    public static String run(String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(cmd));
        c.set(0, require(cmd[0]));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(cmd[0] + " timed out");
        }
        String s = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) fail(cmd[0] + " exited " + p.exitValue() + ": " + s);
        return s;
    }
}
