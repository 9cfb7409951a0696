package org.jsfu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.jsfu.bench.egress.RecordingCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link EgressBench} at a tiny size so the benchmark cannot rot: every file must check out. */
class EgressBenchTest {
    @TempDir
    Path dir;

    @Test
    void tinyRunWritesValidFiles() throws Exception {
        EgressBench.Options o = new EgressBench.Options();
        o.egresses = 20;
        o.seconds = 3;
        o.warmup = 2;
        o.baseline = false;
        o.opusinfo = 2;
        o.dir = dir;
        EgressBench.Result r = EgressBench.run(o);
        assertEquals(20, r.files().size());
        assertEquals(0, r.notComplete());
        for (RecordingCheck.Result f : r.files()) {
            assertTrue(f.ok(), f.toString());
            assertTrue(f.audioPackets() > 150, f.toString()); // 5 s at 50 packets/s, minus a 1 s mute and loss
        }
        assertEquals(2, r.opusinfo().size());
        r.opusinfo().forEach(s -> assertTrue(s.startsWith("ok"), s));
        assertEquals(0, r.invalid());
        assertTrue(r.window().cpuSec() >= 0 && r.window().wallSec() > 2.5, r.window().toString());
    }
}
