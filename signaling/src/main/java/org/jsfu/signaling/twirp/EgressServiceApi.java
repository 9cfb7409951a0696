package org.jsfu.signaling.twirp;

import com.google.protobuf.Message;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import livekit.LivekitEgress;
import org.jsfu.egress.EgressInfo;
import org.jsfu.egress.EgressManager;
import org.jsfu.egress.EgressOutput;
import org.jsfu.signaling.Grants;
import org.jsfu.signaling.proto.EgressMapper;

/**
 * Twirp {@code livekit.Egress}: StartTrackEgress (file output to S3 or the local folder), ListEgress and
 * StopEgress. Every method needs the roomRecord grant (livekit-protocol.md section 5). The other egress
 * kinds (room composite, web, participant, track composite) answer unimplemented.
 */
public final class EgressServiceApi {
    private static final String SVC = "livekit.Egress/";
    private final EgressManager egress;

    public EgressServiceApi(EgressManager egress) {
        this.egress = egress;
    }

    public Map<String, TwirpHandler.Method> methods() {
        Map<String, TwirpHandler.Method> m = new HashMap<>();
        add(m, "StartTrackEgress", LivekitEgress.TrackEgressRequest.getDefaultInstance(), this::startTrack);
        add(m, "ListEgress", LivekitEgress.ListEgressRequest.getDefaultInstance(), this::list);
        add(m, "StopEgress", LivekitEgress.StopEgressRequest.getDefaultInstance(), this::stop);
        for (String other : new String[] {"StartRoomCompositeEgress", "StartWebEgress", "StartParticipantEgress",
                "StartTrackCompositeEgress", "UpdateLayout", "UpdateStream"}) {
            m.put(SVC + other, new TwirpHandler.Method(LivekitEgress.ListEgressRequest.getDefaultInstance(),
                    (g, r) -> {
                        requireRecord(g);
                        throw new TwirpException("unimplemented", "only track egress is supported");
                    }));
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static <Q extends Message> void add(Map<String, TwirpHandler.Method> m, String name, Q proto,
                                                BiFunction<Grants, Q, CompletableFuture<? extends Message>> fn) {
        m.put(SVC + name, new TwirpHandler.Method(proto, (g, req) -> fn.apply(g, (Q) req)));
    }

    private static void requireRecord(Grants g) {
        if (g == null || !g.roomRecord()) {
            throw TwirpException.permissionDenied();
        }
    }

    private CompletableFuture<LivekitEgress.EgressInfo> startTrack(Grants g, LivekitEgress.TrackEgressRequest r) {
        requireRecord(g);
        if (r.getRoomName().isEmpty()) {
            throw TwirpException.invalid("room_name is required");
        }
        if (r.getTrackId().isEmpty()) {
            throw TwirpException.invalid("track_id is required");
        }
        if (r.hasWebsocketUrl()) {
            throw new TwirpException("unimplemented", "websocket output is not supported");
        }
        if (!r.hasFile()) {
            throw TwirpException.invalid("file output is required");
        }
        LivekitEgress.DirectFileOutput f = r.getFile();
        if (f.hasGcp() || f.hasAzure() || f.hasAliOSS()) {
            throw new TwirpException("unimplemented", "only s3 or local file output is supported");
        }
        if (f.hasS3() && f.getS3().getBucket().isEmpty()) {
            throw TwirpException.invalid("s3 bucket is required");
        }
        EgressOutput out = new EgressOutput(f.getFilepath(), f.getDisableManifest(),
                f.hasS3() ? EgressMapper.s3(f.getS3()) : null);
        return mapErrors(egress.startTrackEgress(r.getRoomName(), r.getTrackId(), out)).thenApply(EgressMapper::info);
    }

    private CompletableFuture<LivekitEgress.ListEgressResponse> list(Grants g, LivekitEgress.ListEgressRequest r) {
        requireRecord(g);
        LivekitEgress.ListEgressResponse.Builder b = LivekitEgress.ListEgressResponse.newBuilder();
        for (EgressInfo i : egress.list(r.getRoomName(), r.getEgressId(), r.getActive())) {
            b.addItems(EgressMapper.info(i));
        }
        return CompletableFuture.completedFuture(b.build());
    }

    private CompletableFuture<LivekitEgress.EgressInfo> stop(Grants g, LivekitEgress.StopEgressRequest r) {
        requireRecord(g);
        if (r.getEgressId().isEmpty()) {
            throw TwirpException.invalid("egress_id is required");
        }
        return mapErrors(egress.stopEgress(r.getEgressId())).thenApply(EgressMapper::info);
    }

    private static <T> CompletableFuture<T> mapErrors(CompletableFuture<T> f) {
        return f.handle((v, err) -> {
            if (err == null) {
                return v;
            }
            Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (c instanceof EgressManager.EgressException e) {
                throw switch (e.code()) {
                    case NOT_FOUND -> new TwirpException("not_found", e.getMessage());
                    case INVALID -> TwirpException.invalid(e.getMessage());
                    case UNSUPPORTED -> new TwirpException("unimplemented", e.getMessage());
                };
            }
            throw c instanceof RuntimeException re ? re : new CompletionException(c);
        });
    }
}
