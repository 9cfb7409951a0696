package org.jsfu.egress;

/**
 * A track egress as reported by ListEgress and webhooks (livekit.EgressInfo, track egress only). Times are
 * UTC epoch nanoseconds, 0 when not reached yet. {@code file} is null until the file's key is known.
 *
 * @param auto started by the room's AutoTrackEgress rather than StartTrackEgress
 */
public record EgressInfo(String egressId, String roomId, String roomName, String trackSid, String publisherIdentity,
                         EgressStatus status, long startedAt, long endedAt, long updatedAt, String error,
                         String details, EgressOutput output, boolean auto, FileResult file) {

    /** livekit.FileInfo: {@code filename} is the bare key; duration in nanoseconds. */
    public record FileResult(String filename, String location, long size, long startedAt, long endedAt,
                             long duration) {}

    EgressInfo with(EgressStatus s, long now) {
        return new EgressInfo(egressId, roomId, roomName, trackSid, publisherIdentity, s, startedAt, endedAt, now,
                error, details, output, auto, file);
    }

    EgressInfo withTimes(long started, long ended) {
        return new EgressInfo(egressId, roomId, roomName, trackSid, publisherIdentity, status, started, ended,
                updatedAt, error, details, output, auto, file);
    }

    EgressInfo withError(String err) {
        return new EgressInfo(egressId, roomId, roomName, trackSid, publisherIdentity, status, startedAt, endedAt,
                updatedAt, err, details, output, auto, file);
    }

    EgressInfo withDetails(String d) {
        return new EgressInfo(egressId, roomId, roomName, trackSid, publisherIdentity, status, startedAt, endedAt,
                updatedAt, error, d, output, auto, file);
    }

    EgressInfo withFile(FileResult f) {
        return new EgressInfo(egressId, roomId, roomName, trackSid, publisherIdentity, status, startedAt, endedAt,
                updatedAt, error, details, output, auto, f);
    }
}
