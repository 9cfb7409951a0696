package org.jsfu.core.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpeakerDetectorTest {
    private static void feed(SpeakerDetector.Track t, int level, int packets) {
        for (int i = 0; i < packets; i++) {
            t.observe(level);
        }
    }

    @Test
    void emitsOnlyChanges() {
        SpeakerDetector d = new SpeakerDetector(35, 40, 0.5, 0.05f, 400);
        SpeakerDetector.Track alice = d.addTrack("alice");
        SpeakerDetector.Track bob = d.addTrack("bob");
        long now = 0;
        // interval 1: alice speaks at 20 dBov, bob is silent (127)
        feed(alice, 20, 20);
        feed(bob, 127, 20);
        now += 400;
        List<SpeakerDetector.Speaker> c = d.update(now);
        assertEquals(1, c.size());
        assertEquals("alice", c.get(0).key());
        assertTrue(c.get(0).active());
        // smoothed: 0.5 * 10^(-20/20) = 0.05
        assertEquals(0.05f, c.get(0).level(), 1e-4);

        // interval 2: same level, smoothed 0.075: moved by 0.025 < step -> nothing
        feed(alice, 20, 20);
        feed(bob, 127, 20);
        now += 400;
        assertTrue(d.update(now).isEmpty());
        // interval 3..: steady -> still nothing
        for (int i = 0; i < 5; i++) {
            feed(alice, 20, 20);
            now += 400;
            // smoothed 0.0875, 0.094, ... approaches 0.1 but never moves 0.05 from the reported 0.05
            assertTrue(d.update(now).isEmpty());
        }
        assertEquals(List.of("alice"), d.activeSpeakers().stream().map(SpeakerDetector.Speaker::key).toList());

        // below 40% of packets active: treated as silence; alice decays and goes inactive exactly once
        int inactive = 0;
        for (int i = 0; i < 10; i++) {
            feed(alice, 20, 3);
            feed(alice, 90, 17);
            now += 400;
            for (SpeakerDetector.Speaker s : d.update(now)) {
                assertEquals("alice", s.key());
                if (!s.active()) {
                    inactive++;
                    assertEquals(0f, s.level());
                }
            }
        }
        assertEquals(1, inactive);
        assertTrue(d.activeSpeakers().isEmpty());
        assertFalse(alice.active());
    }

    @Test
    void removedActiveTrackIsReportedInactive() {
        SpeakerDetector d = new SpeakerDetector();
        SpeakerDetector.Track t = d.addTrack("x");
        feed(t, 10, 10);
        assertTrue(d.update(400).get(0).active());
        d.removeTrack(t);
        List<SpeakerDetector.Speaker> c = d.update(800);
        assertEquals(1, c.size());
        assertFalse(c.get(0).active());
        assertTrue(d.update(1200).isEmpty());
    }

    @Test
    void loudestFirst() {
        SpeakerDetector d = new SpeakerDetector();
        SpeakerDetector.Track a = d.addTrack("a");
        SpeakerDetector.Track b = d.addTrack("b");
        feed(a, 30, 10);
        feed(b, 5, 10);
        d.update(400);
        List<SpeakerDetector.Speaker> active = d.activeSpeakers();
        assertEquals("b", active.get(0).key());
        assertEquals("a", active.get(1).key());
        assertTrue(active.get(0).level() <= 1f);
    }

    @Test
    void updateBeforeTheIntervalEndsChangesNothing() {
        SpeakerDetector d = new SpeakerDetector();
        SpeakerDetector.Track t = d.addTrack("x");
        assertTrue(d.update(0).isEmpty()); // first interval: nothing heard
        feed(t, 10, 10);
        assertTrue(d.update(399).isEmpty()); // too early: counters kept
        feed(t, 10, 10);
        List<SpeakerDetector.Speaker> c = d.update(400);
        assertEquals(1, c.size());
        assertTrue(c.get(0).active());
    }
}
