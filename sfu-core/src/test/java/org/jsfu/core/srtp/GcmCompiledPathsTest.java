package org.jsfu.core.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jsfu.core.ChildJvm;
import org.junit.jupiter.api.Test;

/**
 * The JDK paths of AEAD_AES_128_GCM once C2 has compiled them, i.e. through HotSpot's AES-CTR and GHASH stubs
 * (no bounds checks; the in-process tests finish before C2 reliably compiles the counter mode's callers): a
 * child JVM with C2 only, a low threshold and synchronous compilation ({@link GcmCompiledProbe}) compares
 * them with the fallbacks, and HotSpot's own log says the stubs were compiled in.
 */
class GcmCompiledPathsTest {
    @Test
    void theJdksStubsAgreeWithTheFallbacksOnceCompiled() throws Exception {
        String out = ChildJvm.run(List.of("--add-opens", "java.base/com.sun.crypto.provider=ALL-UNNAMED",
                "-XX:-TieredCompilation", "-XX:CompileThreshold=1000", "-Xbatch",
                "-XX:+UnlockDiagnosticVMOptions", "-XX:+PrintIntrinsics"), GcmCompiledProbe.class, 120, "6000");
        assertTrue(out.contains("agreed on 6000 packets"), out);
        // the stubs were compiled into the callers before the second half of the packets
        String firstHalf = out.substring(0, out.indexOf("half done"));
        if (out.contains("intrinsics ctr=true")) {
            assertTrue(firstHalf.lines().anyMatch(l -> l.contains("CounterMode::implCrypt") && l.contains("(intrinsic")), out);
        }
        if (out.contains("ghash=true")) {
            assertTrue(firstHalf.lines().anyMatch(l -> l.contains("GHASH::processBlocks") && l.contains("(intrinsic")), out);
        }
    }
}
