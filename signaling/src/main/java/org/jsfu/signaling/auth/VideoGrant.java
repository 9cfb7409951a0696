package org.jsfu.signaling.auth;

import java.util.List;

/**
 * The {@code video} claim of a LiveKit access token, with absent fields already resolved to
 * LiveKit's defaults: canPublish and canSubscribe true, canPublishData equal to canPublish, an empty
 * canPublishSources list meaning every source, everything else false or empty.
 *
 * @param canPublishSources "camera", "microphone", "screen_share", "screen_share_audio"
 */
public record VideoGrant(
        boolean roomCreate,
        boolean roomList,
        boolean roomRecord,
        boolean roomAdmin,
        boolean roomJoin,
        String room,
        boolean canPublish,
        boolean canSubscribe,
        boolean canPublishData,
        List<String> canPublishSources,
        boolean canUpdateOwnMetadata,
        boolean ingressAdmin,
        boolean hidden,
        boolean recorder,
        boolean agent,
        boolean canSubscribeMetrics,
        String destinationRoom) {

    /** The grant of a token whose {@code video} claim is empty or absent. */
    public static final VideoGrant DEFAULTS = new VideoGrant(false, false, false, false, false, "", true, true, true,
            List.of(), false, false, false, false, false, false, "");

    public VideoGrant {
        room = room == null ? "" : room;
        destinationRoom = destinationRoom == null ? "" : destinationRoom;
        canPublishSources = canPublishSources == null ? List.of() : List.copyOf(canPublishSources);
    }

    /** A join grant for one room with default publish/subscribe rights. */
    public static VideoGrant join(String room) {
        return new VideoGrant(false, false, false, false, true, room, true, true, true, List.of(), false, false,
                false, false, false, false, "");
    }

    /** Whether a track from {@code source} ("camera", "microphone", ...) may be published. */
    public boolean canPublishSource(String source) {
        return canPublish && (canPublishSources.isEmpty() || canPublishSources.contains(source));
    }
}
