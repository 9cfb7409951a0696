package org.jsfu.core.room;

import java.util.List;

/**
 * A publisher's UpdateLocalAudioTrack ({@code video} false: {@code audioFeatures}, livekit.AudioTrackFeature
 * numbers) or UpdateLocalVideoTrack ({@code video} true: {@code width} x {@code height}) for its track
 * {@code trackSid}.
 */
public record LocalTrackUpdate(String trackSid, boolean video, List<Integer> audioFeatures, int width, int height) {
    public LocalTrackUpdate {
        trackSid = trackSid == null ? "" : trackSid;
        audioFeatures = List.copyOf(audioFeatures);
    }

    public static LocalTrackUpdate audio(String trackSid, List<Integer> features) {
        return new LocalTrackUpdate(trackSid, false, features, 0, 0);
    }

    public static LocalTrackUpdate video(String trackSid, int width, int height) {
        return new LocalTrackUpdate(trackSid, true, List.of(), width, height);
    }
}
