package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which send path a JVM gets: the decision from the platform and the module, and in child JVMs with and
 * without the flags (the incubator module can only be added at JVM start, so the fallback needs its own JVM).
 */
class NativeSendTest {
    @Test
    void reasonsFromThePlatform() {
        assertNull(NativeSend.unavailableReason(null, "Linux", "amd64", true));
        assertNull(NativeSend.unavailableReason("true", "Linux", "aarch64", true));
        assertEquals("no_jdk.incubator.foreign", NativeSend.unavailableReason(null, "Linux", "amd64", false));
        assertEquals("disabled", NativeSend.unavailableReason("false", "Linux", "amd64", true));
        assertEquals("platform", NativeSend.unavailableReason(null, "Mac OS X", "aarch64", true));
        assertEquals("platform", NativeSend.unavailableReason(null, "Linux", "x86", true));
    }

    @Test
    void thisBuildsTestsRunTheSendmmsgPath() {
        // surefire's argLine carries the flags (parent pom, jsfu.ffm.jvm), as the server's run command does
        assertTrue(NativeSend.available(), "sendmmsg path in tests");
        assertNotNull(NativeSend.newBatchOrNull());
    }

    @Test
    void aJvmWithoutTheModuleFallsBackToSend() throws Exception {
        assertEquals("path=send", probe(List.of()));
        assertEquals("path=send", probe(List.of("--add-modules", "jdk.incubator.foreign")), "no native access");
        assertEquals("path=send", probe(List.of("--add-modules", "jdk.incubator.foreign",
                "--enable-native-access=ALL-UNNAMED")), "no sun.nio.ch export: no fd");
        assertEquals("path=sendmmsg", probe(List.of("--add-modules", "jdk.incubator.foreign",
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED")));
        assertEquals("path=send", probe(List.of("--add-modules", "jdk.incubator.foreign",
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-Djsfu.rtc.sendmmsg=false")));
    }

    /** The last line a child JVM running {@link NativeSendProbe} with {@code flags} prints. */
    private static String probe(List<String> flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NativeSendProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1].strip();
    }
}
