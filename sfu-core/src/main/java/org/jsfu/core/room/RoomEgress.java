package org.jsfu.core.room;

import java.util.Map;

/**
 * Automatic egress requested for a room (livekit.RoomEgress); only track egress is modelled.
 * {@code tracks} is null when no auto track egress was requested.
 */
public record RoomEgress(AutoTrackEgress tracks) {

    /** livekit.AutoTrackEgress; {@code s3} is null for local files. */
    public record AutoTrackEgress(String filepath, boolean disableManifest, S3Target s3) {
    }

    /** livekit.S3Upload. */
    public record S3Target(String accessKey, String secret, String sessionToken, String region,
                           String endpoint, String bucket, boolean forcePathStyle,
                           Map<String, String> metadata, String tagging, String contentDisposition) {
        public S3Target {
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }

        @Override
        public String toString() {
            return "S3Target[bucket=" + bucket + ", endpoint=" + endpoint + ", region=" + region + "]";
        }
    }
}
