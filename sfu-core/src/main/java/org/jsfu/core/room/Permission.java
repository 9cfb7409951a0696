package org.jsfu.core.room;

import java.util.List;

/**
 * What a participant may do (livekit.ParticipantPermission). {@code canPublishSources} empty means
 * every source.
 */
public record Permission(boolean canSubscribe, boolean canPublish, boolean canPublishData,
                         List<TrackSource> canPublishSources, boolean hidden, boolean recorder,
                         boolean canUpdateMetadata, boolean agent) {
    public Permission {
        canPublishSources = canPublishSources == null ? List.of() : List.copyOf(canPublishSources);
    }

    public boolean mayPublish(TrackSource source) {
        return canPublish && (canPublishSources.isEmpty() || canPublishSources.contains(source));
    }
}
