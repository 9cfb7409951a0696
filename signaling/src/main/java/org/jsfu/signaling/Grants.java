package org.jsfu.signaling;

import java.util.List;
import java.util.Map;
import org.jsfu.core.room.Permission;
import org.jsfu.core.room.RoomOptions;
import org.jsfu.core.room.TrackSource;

/**
 * The verified content of an access token, as signaling needs it. Built by an {@link Authenticator}
 * from the token's claims (LiveKit defaults already applied). {@code source} is the authenticator's own
 * claims object, handed back to it when a refresh token is issued.
 */
public record Grants(String identity, String name, String metadata, Map<String, String> attributes, String kind,
                     boolean roomJoin, String room, boolean roomCreate, boolean roomList, boolean roomRecord,
                     boolean roomAdmin, boolean canPublish, boolean canSubscribe, boolean canPublishData,
                     List<TrackSource> canPublishSources, boolean canUpdateOwnMetadata, boolean hidden,
                     boolean recorder, boolean agent, String destinationRoom, RoomOptions roomConfig,
                     long expiresAtMs, Object source) {
    public Grants {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        canPublishSources = canPublishSources == null ? List.of() : List.copyOf(canPublishSources);
        room = room == null ? "" : room;
        identity = identity == null ? "" : identity;
    }

    /** The participant permission these grants give. */
    public Permission permission() {
        return new Permission(canSubscribe, canPublish, canPublishData, canPublishSources, hidden, recorder,
                canUpdateOwnMetadata, agent);
    }

    /** roomAdmin for exactly {@code roomName} (LiveKit's EnsureAdminPermission). */
    public boolean adminOf(String roomName) {
        return roomAdmin && !room.isEmpty() && room.equals(roomName);
    }
}
