package org.jsfu.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jsfu.core.room.MediaSessionFactory;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.ParticipantMedia;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.TrackInfo;

/**
 * Test media plane: a publisher offer "starts" every pending track (as real media would on first RTP),
 * and every media call is recorded as "identity:event:arg" so tests can see the room's hooks fire.
 */
final class PublishOnOfferMedia implements MediaSessionFactory {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final java.util.Map<String, List<byte[]>> data = new java.util.concurrent.ConcurrentHashMap<>();
    /** Whether sessions report connected media (a closed WebSocket then keeps them for a resume). */
    private final boolean connected;

    PublishOnOfferMedia() {
        this(false);
    }

    PublishOnOfferMedia(boolean connected) {
        this.connected = connected;
    }

    @Override
    public ParticipantMedia create(Room room, Participant p) {
        return new ParticipantMedia() {
            @Override public void start() { p.setActive(); }
            @Override public boolean mediaConnected() { return connected; }
            @Override public void onSignalResumed(int reason) { calls.add(p.identity() + ":resumed:" + reason); }

            @Override public void onPublisherOffer(String sdp, int id) {
                for (TrackInfo t : p.pendingTracks()) {
                    p.publishPendingTrack(t.cid(), "0", t.type() == org.jsfu.core.room.TrackType.AUDIO
                            ? "audio/opus" : "video/VP8");
                }
                p.sink().sendAnswer("v=0\r\n", id);
            }

            @Override public void onSubscriberAnswer(String sdp, int id) { calls.add(p.identity() + ":answer:" + id); }
            @Override public void onTrickle(String c, int target) { calls.add(p.identity() + ":trickle:" + target); }
            @Override public void onTrackSubscribed(Participant pub, TrackInfo t) {
                calls.add(p.identity() + ":subscribed:" + t.sid());
            }
            @Override public void onTrackUnsubscribed(String pubSid, String trackSid) {
                calls.add(p.identity() + ":unsubscribed:" + trackSid);
            }
            @Override public void onMute(String trackSid, boolean muted) { calls.add(p.identity() + ":mute:" + muted); }
            @Override public void onTrackUnpublished(String trackSid) { calls.add(p.identity() + ":unpublished:" + trackSid); }
            @Override public void sendData(byte[] pkt, boolean reliable) {
                calls.add(p.identity() + ":data:" + reliable + ":" + pkt.length);
                data.computeIfAbsent(p.identity(), k -> new CopyOnWriteArrayList<>()).add(pkt);
            }
            @Override public void close() { calls.add(p.identity() + ":close"); }
        };
    }

    boolean waitFor(String call, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end) {
            if (calls.contains(call)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
