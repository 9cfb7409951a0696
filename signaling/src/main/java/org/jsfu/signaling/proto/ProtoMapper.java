package org.jsfu.signaling.proto;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import livekit.LivekitEgress;
import livekit.LivekitModels;
import livekit.LivekitRoom;
import livekit.LivekitRtc;
import org.jsfu.core.room.AddTrack;
import org.jsfu.core.room.LocalTrackUpdate;
import org.jsfu.core.room.ParticipantInfo;
import org.jsfu.core.room.Permission;
import org.jsfu.core.room.RoomEgress;
import org.jsfu.core.room.RoomInfo;
import org.jsfu.core.room.SimulcastCodec;
import org.jsfu.core.room.TrackCodec;
import org.jsfu.core.room.TrackInfo;
import org.jsfu.core.room.TrackSource;
import org.jsfu.core.room.TrackType;
import org.jsfu.core.room.VideoLayer;

/** The one place where core room records and LiveKit protobufs are converted (both directions). */
public final class ProtoMapper {
    private ProtoMapper() {}

    public static LivekitModels.Room room(RoomInfo r) {
        return LivekitModels.Room.newBuilder()
                .setSid(r.sid())
                .setName(r.name())
                .setEmptyTimeout(r.emptyTimeout())
                .setDepartureTimeout(r.departureTimeout())
                .setMaxParticipants(r.maxParticipants())
                .setCreationTime(r.creationTimeMs() / 1000)
                .setCreationTimeMs(r.creationTimeMs())
                .setMetadata(r.metadata())
                .setNumParticipants(r.numParticipants())
                .setNumPublishers(r.numPublishers())
                .setActiveRecording(r.activeRecording())
                .build();
    }

    public static LivekitModels.ParticipantInfo participant(ParticipantInfo p) {
        LivekitModels.ParticipantInfo.Builder b = LivekitModels.ParticipantInfo.newBuilder()
                .setSid(p.sid())
                .setIdentity(p.identity())
                .setName(p.name())
                .setMetadata(p.metadata())
                .putAllAttributes(p.attributes())
                .setStateValue(p.state().ordinal())
                .setJoinedAt(p.joinedAtMs() / 1000)
                .setJoinedAtMs(p.joinedAtMs())
                .setVersion((int) p.version())
                .setPermission(permission(p.permission()))
                .setKind(kind(p.kind()))
                .setIsPublisher(p.isPublisher())
                .setClientProtocol(p.clientProtocol())
                .setDisconnectReasonValue(p.disconnectReason().wire);
        for (TrackInfo t : p.tracks()) {
            b.addTracks(track(t));
        }
        return b.build();
    }

    public static LivekitModels.ParticipantInfo.Kind kind(String kind) {
        if (kind == null) {
            return LivekitModels.ParticipantInfo.Kind.STANDARD;
        }
        switch (kind.toLowerCase(Locale.ROOT)) {
            case "ingress": return LivekitModels.ParticipantInfo.Kind.INGRESS;
            case "egress": return LivekitModels.ParticipantInfo.Kind.EGRESS;
            case "sip": return LivekitModels.ParticipantInfo.Kind.SIP;
            case "agent": return LivekitModels.ParticipantInfo.Kind.AGENT;
            default: return LivekitModels.ParticipantInfo.Kind.STANDARD;
        }
    }

    public static LivekitModels.ParticipantPermission permission(Permission p) {
        LivekitModels.ParticipantPermission.Builder b = LivekitModels.ParticipantPermission.newBuilder()
                .setCanSubscribe(p.canSubscribe())
                .setCanPublish(p.canPublish())
                .setCanPublishData(p.canPublishData())
                .setHidden(p.hidden())
                .setRecorder(p.recorder())
                .setCanUpdateMetadata(p.canUpdateMetadata())
                .setAgent(p.agent());
        for (TrackSource s : p.canPublishSources()) {
            b.addCanPublishSourcesValue(s.ordinal());
        }
        return b.build();
    }

    public static Permission permission(LivekitModels.ParticipantPermission p) {
        List<TrackSource> sources = new ArrayList<>();
        for (int v : p.getCanPublishSourcesValueList()) {
            sources.add(source(v));
        }
        return new Permission(p.getCanSubscribe(), p.getCanPublish(), p.getCanPublishData(), sources, p.getHidden(),
                p.getRecorder(), p.getCanUpdateMetadata(), p.getAgent());
    }

    public static TrackSource source(int wire) {
        return wire >= 0 && wire < TrackSource.values().length ? TrackSource.values()[wire] : TrackSource.UNKNOWN;
    }

    public static TrackType type(int wire) {
        return wire >= 0 && wire < TrackType.values().length ? TrackType.values()[wire] : TrackType.AUDIO;
    }

    /**
     * livekit.TrackInfo. {@code codecs} are the track's SimulcastCodecInfo (MIME type the server accepts,
     * mid once negotiated, cid, layers, layer mode), primary first: livekit-client publishes with the first
     * one's codec (its fallback when the server named another than it asked for). audio_features as the
     * room model keeps them, plus TF_STEREO / TF_NO_DTX for the deprecated booleans.
     */
    public static LivekitModels.TrackInfo track(TrackInfo t) {
        LivekitModels.TrackInfo.Builder b = LivekitModels.TrackInfo.newBuilder();
        for (TrackCodec c : t.codecs()) {
            LivekitModels.SimulcastCodecInfo.Builder cb = LivekitModels.SimulcastCodecInfo.newBuilder()
                    .setMimeType(c.mimeType())
                    .setMid(c.mid())
                    .setCid(c.cid())
                    .setVideoLayerModeValue(c.videoLayerMode());
            for (VideoLayer l : c.layers()) {
                cb.addLayers(layer(l));
            }
            b.addCodecs(cb);
        }
        for (VideoLayer l : t.layers()) {
            b.addLayers(layer(l));
        }
        for (int f : t.audioFeatures()) {
            b.addAudioFeaturesValue(f);
        }
        if (t.stereo() && !t.audioFeatures().contains(TrackInfo.TF_STEREO)) {
            b.addAudioFeatures(LivekitModels.AudioTrackFeature.TF_STEREO);
        }
        if (t.disableDtx() && !t.audioFeatures().contains(TrackInfo.TF_NO_DTX)) {
            b.addAudioFeatures(LivekitModels.AudioTrackFeature.TF_NO_DTX);
        }
        return b
                .setSid(t.sid())
                .setTypeValue(t.type().ordinal())
                .setName(t.name() == null ? "" : t.name())
                .setMuted(t.muted())
                .setWidth(t.width())
                .setHeight(t.height())
                .setSimulcast(t.simulcast())
                .setDisableDtx(t.disableDtx())
                .setSourceValue(t.source().ordinal())
                .setMimeType(t.mimeType() == null ? "" : t.mimeType())
                .setMid(t.mid() == null ? "" : t.mid())
                .setStereo(t.stereo())
                .setDisableRed(t.disableRed())
                .setEncryptionValue(t.encryption())
                .setStream(t.stream() == null ? "" : t.stream())
                .setBackupCodecPolicyValue(t.backupCodecPolicy())
                .build();
    }

    public static LivekitModels.VideoLayer layer(VideoLayer l) {
        return LivekitModels.VideoLayer.newBuilder()
                .setQualityValue(l.quality())
                .setWidth(l.width())
                .setHeight(l.height())
                .setBitrate(l.bitrate())
                .setSsrc((int) l.ssrc())
                .setSpatialLayer(l.spatialLayer())
                .setRid(l.rid())
                .setRepairSsrc((int) l.repairSsrc())
                .build();
    }

    public static VideoLayer layer(LivekitModels.VideoLayer l) {
        return new VideoLayer(l.getQualityValue(), l.getWidth(), l.getHeight(), l.getBitrate(),
                Integer.toUnsignedLong(l.getSsrc()), l.getSpatialLayer(), l.getRid(),
                Integer.toUnsignedLong(l.getRepairSsrc()));
    }

    private static List<VideoLayer> layers(List<LivekitModels.VideoLayer> ls) {
        List<VideoLayer> out = new ArrayList<>(ls.size());
        for (LivekitModels.VideoLayer l : ls) {
            out.add(layer(l));
        }
        return out;
    }

    /**
     * AddTrack; stereo and DTX come from the deprecated booleans or from audio_features (TF_STEREO, TF_NO_DTX).
     * simulcast_codecs (primary, then a backup codec), layers and audio_features are kept as sent.
     */
    public static AddTrack addTrack(LivekitRtc.AddTrackRequest r) {
        boolean stereo = r.getStereo() || r.getAudioFeaturesList().contains(LivekitModels.AudioTrackFeature.TF_STEREO);
        boolean noDtx = r.getDisableDtx() || r.getAudioFeaturesList().contains(LivekitModels.AudioTrackFeature.TF_NO_DTX);
        List<SimulcastCodec> codecs = new ArrayList<>();
        for (LivekitRtc.SimulcastCodec c : r.getSimulcastCodecsList()) {
            codecs.add(new SimulcastCodec(c.getCodec(), c.getCid(), layers(c.getLayersList()), c.getVideoLayerModeValue()));
        }
        return new AddTrack(r.getCid(), r.getName(), type(r.getTypeValue()), r.getWidth(), r.getHeight(), r.getMuted(),
                noDtx, source(r.getSourceValue()), r.getLayersCount() > 1 || r.getSimulcastCodecsCount() > 1,
                stereo, r.getDisableRed(), r.getStream(), r.getEncryptionValue(),
                r.getSimulcastCodecsCount() > 0 ? r.getSimulcastCodecs(0).getCodec() : "",
                codecs, layers(r.getLayersList()), r.getAudioFeaturesValueList(), r.getBackupCodecPolicyValue());
    }

    /** The core form of UpdateLocalAudioTrack. */
    public static LocalTrackUpdate audioUpdate(LivekitRtc.UpdateLocalAudioTrack u) {
        return LocalTrackUpdate.audio(u.getTrackSid(), u.getFeaturesValueList());
    }

    /** The core form of UpdateLocalVideoTrack. */
    public static LocalTrackUpdate videoUpdate(LivekitRtc.UpdateLocalVideoTrack u) {
        return LocalTrackUpdate.video(u.getTrackSid(), u.getWidth(), u.getHeight());
    }

    /** request_response NOT_FOUND for a track update, carrying the request as LiveKit does. */
    public static LivekitRtc.RequestResponse trackUpdateNotFound(LocalTrackUpdate u) {
        LivekitRtc.RequestResponse.Builder b = LivekitRtc.RequestResponse.newBuilder()
                .setReason(LivekitRtc.RequestResponse.Reason.NOT_FOUND);
        if (u.video()) {
            b.setUpdateVideoTrack(LivekitRtc.UpdateLocalVideoTrack.newBuilder().setTrackSid(u.trackSid())
                    .setWidth(u.width()).setHeight(u.height()));
        } else {
            b.setUpdateAudioTrack(LivekitRtc.UpdateLocalAudioTrack.newBuilder().setTrackSid(u.trackSid())
                    .addAllFeaturesValue(u.audioFeatures()));
        }
        return b.build();
    }

    /** RoomEgress from CreateRoomRequest.egress; only the auto track egress is kept. */
    public static RoomEgress egress(LivekitRoom.RoomEgress e) {
        if (e == null || !e.hasTracks()) {
            return null;
        }
        LivekitEgress.AutoTrackEgress t = e.getTracks();
        RoomEgress.S3Target s3 = null;
        if (t.hasS3()) {
            LivekitEgress.S3Upload u = t.getS3();
            s3 = new RoomEgress.S3Target(u.getAccessKey(), u.getSecret(), u.getSessionToken(), u.getRegion(),
                    u.getEndpoint(), u.getBucket(), u.getForcePathStyle(), u.getMetadataMap(), u.getTagging(),
                    u.getContentDisposition());
        }
        return new RoomEgress(new RoomEgress.AutoTrackEgress(t.getFilepath(), t.getDisableManifest(), s3));
    }
}
