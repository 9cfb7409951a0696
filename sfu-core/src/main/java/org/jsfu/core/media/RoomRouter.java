package org.jsfu.core.media;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.SpeakerInfo;
import org.jsfu.core.rtp.SpeakerDetector;
import org.jsfu.core.transport.PeerTransport;
import org.jsfu.core.transport.UdpMux;

/**
 * The published tracks of one room, by track sid, and its active speaker detection; touched only on
 * the room's loop.
 */
final class RoomRouter {
    static final long SPEAKER_INTERVAL_MS = 300;

    private final Room room;
    private final Map<String, UpTrack> tracks = new HashMap<>();
    private final SpeakerDetector speakers = new SpeakerDetector();
    /** Where each forwarded packet is rebuilt before encryption; one per room, used synchronously. */
    final byte[] scratch = new byte[UdpMux.MAX_DATAGRAM + PeerTransport.TAG_ROOM];
    private boolean closed;

    RoomRouter(Room room) {
        this.room = room;
    }

    /** Starts the speaker timer; call once, from any thread. */
    void start() {
        room.loop().post(this::scheduleSpeakers);
    }

    void add(UpTrack t) {
        tracks.put(t.trackSid, t);
        if (!t.video && t.audioLevelExtId > 0) {
            t.speaker = speakers.addTrack(t.publisherSid);
        }
    }

    UpTrack get(String trackSid) {
        return tracks.get(trackSid);
    }

    UpTrack remove(String trackSid) {
        UpTrack t = tracks.remove(trackSid);
        if (t != null && t.speaker != null) {
            speakers.removeTrack(t.speaker);
        }
        return t;
    }

    /** {published tracks, tracks in speaker detection}; on the loop. */
    int[] counts() {
        return new int[] {tracks.size(), speakers.trackCount()};
    }

    void close() {
        closed = true;
    }

    private void scheduleSpeakers() {
        if (!closed) {
            room.loop().schedule(this::updateSpeakers, SPEAKER_INTERVAL_MS);
        }
    }

    /** speakers_changed carries only the changes (livekit-protocol.md 2.7). */
    private void updateSpeakers() {
        if (closed || room.closed()) {
            return;
        }
        List<SpeakerDetector.Speaker> changes = speakers.update(System.currentTimeMillis());
        if (!changes.isEmpty()) {
            List<SpeakerInfo> infos = new ArrayList<>(changes.size());
            for (SpeakerDetector.Speaker s : changes) {
                infos.add(new SpeakerInfo((String) s.key(), s.level(), s.active()));
            }
            for (Participant p : room.participants()) {
                p.sink().sendSpeakersChanged(infos);
            }
        }
        scheduleSpeakers();
    }
}
