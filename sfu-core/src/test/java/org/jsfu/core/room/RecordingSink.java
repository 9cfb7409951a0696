package org.jsfu.core.room;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A SignalSink that records every call as a short string, for assertions. */
final class RecordingSink implements SignalSink {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<ParticipantInfo> updates = new CopyOnWriteArrayList<>();
    volatile List<ParticipantInfo> joinOthers;
    volatile boolean closed;

    @Override public void sendJoin(RoomInfo room, ParticipantInfo self, List<ParticipantInfo> others,
                                   List<PublishCodecs.Enabled> codecs) {
        joinOthers = others;
        events.add("join:" + self.identity());
    }
    @Override public void sendParticipantUpdate(List<ParticipantInfo> ps) {
        updates.addAll(ps);
        ps.forEach(p -> events.add("update:" + p.identity() + ":" + p.state()));
    }
    @Override public void sendTrackPublished(String cid, TrackInfo t) { events.add("trackPublished:" + cid); }
    @Override public void sendTrackUnpublished(String sid) { events.add("trackUnpublished:" + sid); }
    @Override public void sendMute(String sid, boolean m) { events.add("mute:" + sid + ":" + m); }
    @Override public void sendLeave(DisconnectReason r, LeaveAction a) { events.add("leave:" + r); }
    @Override public void sendRefreshToken(String t) { events.add("refresh"); }
    @Override public void sendRoomUpdate(RoomInfo r) { events.add("roomUpdate:" + r.metadata()); }
    @Override public void sendSpeakersChanged(List<SpeakerInfo> s) { events.add("speakers"); }
    @Override public void sendOffer(String sdp, int id, Map<String, String> m) { events.add("offer:" + id); }
    @Override public void sendAnswer(String sdp, int id) { events.add("answer:" + id); }
    @Override public void sendTrickle(String c, int target, boolean last) { events.add("trickle"); }
    @Override public void sendTrackSubscribed(String sid) { events.add("trackSubscribed:" + sid); }
    @Override public void sendRequestResponse(int id, RequestResult r, String msg) { events.add("rr:" + id + ":" + r); }
    @Override public void sendTrackUpdateNotFound(LocalTrackUpdate u) { events.add("updateNotFound:" + u.trackSid()); }
    @Override public void close() { closed = true; }

    long count(String prefix) { return events.stream().filter(e -> e.startsWith(prefix)).count(); }
}
