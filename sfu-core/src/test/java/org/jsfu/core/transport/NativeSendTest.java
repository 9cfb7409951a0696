package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import org.jsfu.core.ChildJvm;
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
        return ChildJvm.lastLines(ChildJvm.run(flags, NativeSendProbe.class, 30), 1);
    }
}
