package org.jsfu.bench.egress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.media.RtpTap;
import org.jsfu.core.room.AddTrack;
import org.jsfu.core.room.ClientInfo;
import org.jsfu.core.room.DisconnectReason;
import org.jsfu.core.room.JoinRequest;
import org.jsfu.core.room.LeaveAction;
import org.jsfu.core.room.MediaLoop;
import org.jsfu.core.room.MediaLoops;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.ParticipantInfo;
import org.jsfu.core.room.ParticipantMedia;
import org.jsfu.core.room.Permission;
import org.jsfu.core.room.RequestResult;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.RoomDefaults;
import org.jsfu.core.room.RoomInfo;
import org.jsfu.core.room.RoomManager;
import org.jsfu.core.room.RoomOptions;
import org.jsfu.core.room.SignalSink;
import org.jsfu.core.room.SpeakerInfo;
import org.jsfu.core.room.TrackInfo;
import org.jsfu.core.room.TrackSource;
import org.jsfu.core.room.TrackType;
import org.jsfu.egress.EgressInfo;
import org.jsfu.egress.EgressManager;
import org.jsfu.egress.EgressOutput;
import org.jsfu.egress.EgressSinks;

/**
 * The server's egress wiring without WebRTC: real {@link RoomManager} on {@link MediaLoops#perCore()},
 * real {@link EgressManager} (added as a RoomListener, as JsfuServer does), participants that publish one
 * audio track each ("audio/opus"); the tap attacher (MediaPlane::addTap in the server) hands back the
 * egress's {@link RtpTap} so the feeder can call it on the room loop.
 */
public final class BenchRooms implements AutoCloseable {
    /** One recorded track. */
    public record Track(String room, String trackSid, MediaLoop loop, RtpTap tap, String egressId) {}

    public final MediaLoops loops;
    public final RoomManager rooms;
    public final EgressManager egress;
    private final Map<String, RtpTap> taps = new ConcurrentHashMap<>();

    public BenchRooms(EgressSinks.Factory sinks) {
        this.loops = MediaLoops.perCore();
        this.rooms = new RoomManager(loops, RoomDefaults.livekit(), BenchRooms::media, System::currentTimeMillis);
        this.egress = new EgressManager(rooms, new EgressManager.TapAttacher() {
            @Override
            public boolean addTap(Room room, String sid, RtpTap tap) {
                taps.put(sid, tap);
                return true;
            }

            @Override
            public boolean removeTap(Room room, String sid, RtpTap tap) {
                return taps.remove(sid, tap);
            }
        }, sinks);
        rooms.addListener(egress);
    }

    /** Joins {@code n} publishers (rooms of {@code perRoom}) and starts one track egress per track. */
    public List<Track> start(int n, int perRoom, String filepath) throws Exception {
        List<Track> out = new ArrayList<>();
        Permission perm = new Permission(true, true, true, List.of(), false, false, true, false);
        for (int i = 0; i < n; i++) {
            String roomName = "bench-" + (i / perRoom);
            JoinRequest req = new JoinRequest("pub-" + i, "pub-" + i, "", Map.of(), "", perm, ClientInfo.unknown(),
                    RoomOptions.defaults());
            Participant p = rooms.join(roomName, req, new NoSignal(), true).get(10, TimeUnit.SECONDS);
            Room room = rooms.room(roomName);
            String cid = "mic-" + i;
            TrackInfo t = room.loop().submit(() -> {
                p.addPendingTrack(new AddTrack(cid, "microphone", TrackType.AUDIO, 0, 0, false, false,
                        TrackSource.MICROPHONE, false, false, false, "", 0));
                return p.publishPendingTrack(cid, "0", "audio/opus");
            }).get(10, TimeUnit.SECONDS);
            EgressInfo info = egress.startTrackEgress(roomName, t.sid(), new EgressOutput(filepath, false, null))
                    .get(10, TimeUnit.SECONDS);
            out.add(new Track(roomName, t.sid(), room.loop(), taps.get(t.sid()), info.egressId()));
        }
        return out;
    }

    @Override
    public void close() {
        rooms.close();
        loops.close();
    }

    private static ParticipantMedia media(Room room, Participant p) {
        return new ParticipantMedia() {
            @Override public void start() { p.setActive(); }
            @Override public void onPublisherOffer(String sdp, int id) { }
            @Override public void onSubscriberAnswer(String sdp, int id) { }
            @Override public void onTrickle(String c, int target) { }
            @Override public void onTrackSubscribed(Participant pub, TrackInfo t) { }
            @Override public void onTrackUnsubscribed(String pubSid, String trackSid) { }
            @Override public void onMute(String trackSid, boolean muted) { }
            @Override public void onTrackUnpublished(String trackSid) { }
            @Override public void sendData(byte[] pkt, boolean reliable) { }
            @Override public void close() { }
        };
    }

    /** Signalling that goes nowhere (no client). */
    private static final class NoSignal implements SignalSink {
        @Override public void sendJoin(RoomInfo room, ParticipantInfo self, List<ParticipantInfo> others,
                                       List<org.jsfu.core.room.PublishCodecs.Enabled> codecs) { }
        @Override public void sendParticipantUpdate(List<ParticipantInfo> participants) { }
        @Override public void sendTrackPublished(String cid, TrackInfo track) { }
        @Override public void sendTrackUnpublished(String trackSid) { }
        @Override public void sendMute(String trackSid, boolean muted) { }
        @Override public void sendLeave(DisconnectReason reason, LeaveAction action) { }
        @Override public void sendRefreshToken(String token) { }
        @Override public void sendRoomUpdate(RoomInfo room) { }
        @Override public void sendSpeakersChanged(List<SpeakerInfo> speakers) { }
        @Override public void sendOffer(String sdp, int id, Map<String, String> midToTrackId) { }
        @Override public void sendAnswer(String sdp, int id) { }
        @Override public void sendTrickle(String candidateInit, int target, boolean last) { }
        @Override public void sendTrackSubscribed(String trackSid) { }
        @Override public void sendRequestResponse(int requestId, RequestResult result, String message) { }
        @Override public void sendTrackUpdateNotFound(org.jsfu.core.room.LocalTrackUpdate update) { }
        @Override public void close() { }
    }
}
