package org.jsfu.egress;

import java.nio.file.Path;
import java.util.Map;
import org.jsfu.egress.sink.RecordingSink;
import org.jsfu.egress.sink.S3Sink;

/**
 * Child JVM for the kill test: records a concentus-encoded 440 Hz tone in real time (20 ms packets)
 * through TrackRecorder and S3Sink until it is killed. Prints "STARTED" after the first packet.
 * Args: endpoint bucket accessKey secret spoolDir key.
 */
public final class KilledRecorderMain {
    private KilledRecorderMain() {}

    public static void main(String[] a) throws Exception {
        S3Sink sink = new S3Sink(new S3Sink.Config(a[0], "", a[1], a[2], a[3], "", true, "", Map.of(), null), Path.of(a[4]));
        RecordingSink.Upload up = sink.begin(a[5], "audio/ogg", "EG_killed");
        TrackRecorder rec = new TrackRecorder(up.stream(), new TrackRecorder.Options(), "TR_killed");
        Publisher pub = new Publisher(960);
        for (int i = 0; i < 100; i++) pub.next(true); // warm up: the packets must not fall behind real time
        long start = System.nanoTime();
        long wall0 = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < 3000; i++) { // at most 60 s
            long due = start + i * 20_000_000L;
            long sleep = due - System.nanoTime();
            if (sleep > 0) Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
            byte[] p = pub.next(true);
            long now = wall0 + (System.nanoTime() - start);
            rec.onRtp(p, 0, p.length, 1000L + i * 960L, 100 + i, now);
            rec.tick(now);
            if (i == 0) {
                System.out.println("STARTED");
                System.out.flush();
            }
        }
        System.exit(3); // never closes: the test kills it long before
    }
}
