package org.jsfu.signaling.proto;

import livekit.LivekitEgress;
import org.jsfu.core.room.RoomEgress;
import org.jsfu.egress.EgressInfo;
import org.jsfu.egress.EgressOutput;

/** org.jsfu.egress records to and from livekit.Egress messages (livekit-protocol.md section 8). */
public final class EgressMapper {
    private EgressMapper() {}

    /** S3Upload to the core target. */
    public static RoomEgress.S3Target s3(LivekitEgress.S3Upload u) {
        return new RoomEgress.S3Target(u.getAccessKey(), u.getSecret(), u.getSessionToken(), u.getRegion(),
                u.getEndpoint(), u.getBucket(), u.getForcePathStyle(), u.getMetadataMap(), u.getTagging(),
                u.getContentDisposition());
    }

    public static LivekitEgress.EgressStatus status(org.jsfu.egress.EgressStatus s) {
        return switch (s) {
            case STARTING -> LivekitEgress.EgressStatus.EGRESS_STARTING;
            case ACTIVE -> LivekitEgress.EgressStatus.EGRESS_ACTIVE;
            case ENDING -> LivekitEgress.EgressStatus.EGRESS_ENDING;
            case COMPLETE -> LivekitEgress.EgressStatus.EGRESS_COMPLETE;
            case FAILED -> LivekitEgress.EgressStatus.EGRESS_FAILED;
            case ABORTED -> LivekitEgress.EgressStatus.EGRESS_ABORTED;
        };
    }

    /** EgressInfo with the request echoed; S3 credentials are never echoed. */
    public static LivekitEgress.EgressInfo info(EgressInfo i) {
        LivekitEgress.EgressInfo.Builder b = LivekitEgress.EgressInfo.newBuilder()
                .setEgressId(i.egressId())
                .setRoomId(i.roomId())
                .setRoomName(i.roomName())
                .setSourceType(LivekitEgress.EgressSourceType.EGRESS_SOURCE_TYPE_SDK)
                .setStatus(status(i.status()))
                .setStartedAt(i.startedAt())
                .setEndedAt(i.endedAt())
                .setUpdatedAt(i.updatedAt())
                .setError(nz(i.error()))
                .setDetails(nz(i.details()))
                .setTrack(request(i));
        if (i.file() != null) {
            EgressInfo.FileResult f = i.file();
            LivekitEgress.FileInfo fi = LivekitEgress.FileInfo.newBuilder()
                    .setFilename(f.filename())
                    .setLocation(nz(f.location()))
                    .setSize(f.size())
                    .setStartedAt(f.startedAt())
                    .setEndedAt(f.endedAt())
                    .setDuration(f.duration())
                    .build();
            b.addFileResults(fi);
            b.setFile(fi);
        }
        return b.build();
    }

    static LivekitEgress.TrackEgressRequest request(EgressInfo i) {
        EgressOutput o = i.output();
        LivekitEgress.DirectFileOutput.Builder f = LivekitEgress.DirectFileOutput.newBuilder()
                .setFilepath(o.filepath()).setDisableManifest(o.disableManifest());
        if (o.s3() != null) {
            RoomEgress.S3Target t = o.s3();
            f.setS3(LivekitEgress.S3Upload.newBuilder()
                    .setAccessKey(redact(t.accessKey()))
                    .setSecret(redact(t.secret()))
                    .setSessionToken(redact(t.sessionToken()))
                    .setRegion(nz(t.region()))
                    .setEndpoint(nz(t.endpoint()))
                    .setBucket(nz(t.bucket()))
                    .setForcePathStyle(t.forcePathStyle())
                    .putAllMetadata(t.metadata())
                    .setTagging(nz(t.tagging()))
                    .setContentDisposition(nz(t.contentDisposition())));
        }
        return LivekitEgress.TrackEgressRequest.newBuilder()
                .setRoomName(i.roomName()).setTrackId(i.trackSid()).setFile(f).build();
    }

    private static String redact(String s) {
        return s == null || s.isEmpty() ? "" : "{redacted}";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
