package org.jsfu.signaling.proto;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import livekit.LivekitEgress;
import livekit.LivekitModels;
import livekit.LivekitRoom;
import livekit.LivekitRtc;
import org.jsfu.core.room.AddTrack;
import org.jsfu.core.room.ParticipantInfo;
import org.jsfu.core.room.Permission;
import org.jsfu.core.room.RoomEgress;
import org.jsfu.core.room.RoomInfo;
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
     * livekit.TrackInfo. {@code codecs} holds the one codec the track publishes (mime type, mid, the
     * client's cid) once it is negotiated; before that it stays empty, because SDKs take a non-empty list's
     * first mime type as the server's codec choice and an empty mime type is not one. stereo and
     * disable_dtx are also given as audio_features, which newer SDKs read instead of the deprecated booleans.
     */
    public static LivekitModels.TrackInfo track(TrackInfo t) {
        LivekitModels.TrackInfo.Builder b = LivekitModels.TrackInfo.newBuilder();
        if (t.mimeType() != null && !t.mimeType().isEmpty()) {
            b.addCodecs(LivekitModels.SimulcastCodecInfo.newBuilder()
                    .setMimeType(t.mimeType())
                    .setMid(t.mid() == null ? "" : t.mid())
                    .setCid(t.cid() == null ? "" : t.cid()));
        }
        for (VideoLayer l : t.layers()) {
            b.addLayers(LivekitModels.VideoLayer.newBuilder().setQualityValue(l.quality())
                    .setWidth(l.width()).setHeight(l.height()));
        }
        if (t.stereo()) {
            b.addAudioFeatures(LivekitModels.AudioTrackFeature.TF_STEREO);
        }
        if (t.disableDtx()) {
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
                .setMimeType(t.mimeType())
                .setMid(t.mid() == null ? "" : t.mid())
                .setStereo(t.stereo())
                .setDisableRed(t.disableRed())
                .setEncryptionValue(t.encryption())
                .setStream(t.stream() == null ? "" : t.stream())
                .build();
    }

    /** AddTrack; stereo and DTX come from the deprecated booleans or from audio_features (TF_STEREO, TF_NO_DTX). */
    public static AddTrack addTrack(LivekitRtc.AddTrackRequest r) {
        boolean stereo = r.getStereo() || r.getAudioFeaturesList().contains(LivekitModels.AudioTrackFeature.TF_STEREO);
        boolean noDtx = r.getDisableDtx() || r.getAudioFeaturesList().contains(LivekitModels.AudioTrackFeature.TF_NO_DTX);
        List<VideoLayer> layers = new ArrayList<>(r.getLayersCount());
        for (LivekitModels.VideoLayer l : r.getLayersList()) {
            layers.add(new VideoLayer(l.getQualityValue(), l.getWidth(), l.getHeight()));
        }
        return new AddTrack(r.getCid(), r.getName(), type(r.getTypeValue()), r.getWidth(), r.getHeight(), r.getMuted(),
                noDtx, source(r.getSourceValue()), r.getLayersCount() > 1 || r.getSimulcastCodecsCount() > 1,
                stereo, r.getDisableRed(), r.getStream(), r.getEncryptionValue(),
                r.getSimulcastCodecsCount() > 0 ? r.getSimulcastCodecs(0).getCodec() : "", layers);
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
