package org.jsfu.core.room;

import java.util.List;
import java.util.Map;

/** Snapshot of a participant as sent to clients (livekit.ParticipantInfo). */
public record ParticipantInfo(String sid, String identity, String name, String metadata,
                              Map<String, String> attributes, ParticipantState state, List<TrackInfo> tracks,
                              long joinedAtMs, long version, Permission permission, String kind,
                              boolean isPublisher, int clientProtocol, DisconnectReason disconnectReason) {
    public ParticipantInfo {
        attributes = Map.copyOf(attributes);
        tracks = List.copyOf(tracks);
    }
}
