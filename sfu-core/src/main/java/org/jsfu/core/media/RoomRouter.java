package org.jsfu.core.media;

import java.util.HashMap;
import java.util.Map;
import org.jsfu.core.transport.PeerTransport;
import org.jsfu.core.transport.UdpMux;

/** The published tracks of one room, by track sid; touched only on the room's loop. */
final class RoomRouter {
    private final Map<String, UpTrack> tracks = new HashMap<>();
    /** Where each forwarded packet is rebuilt before encryption; one per room, used synchronously. */
    final byte[] scratch = new byte[UdpMux.MAX_DATAGRAM + PeerTransport.TAG_ROOM];

    void add(UpTrack t) {
        tracks.put(t.trackSid, t);
    }

    UpTrack get(String trackSid) {
        return tracks.get(trackSid);
    }

    UpTrack remove(String trackSid) {
        return tracks.remove(trackSid);
    }
}
