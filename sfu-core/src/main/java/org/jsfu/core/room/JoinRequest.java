package org.jsfu.core.room;

import java.util.Map;

/**
 * A validated join: identity and grants come from the token. {@code roomOptions} applies only when this
 * join creates the room.
 */
public record JoinRequest(String identity, String name, String metadata, Map<String, String> attributes,
                          String kind, Permission permission, ClientInfo client, RoomOptions roomOptions) {
    public JoinRequest {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (roomOptions == null) {
            roomOptions = RoomOptions.defaults();
        }
    }
}
