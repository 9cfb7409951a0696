package org.jsfu.signaling.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import org.jsfu.core.room.DisconnectReason;
import org.jsfu.core.room.LeaveAction;
import org.jsfu.core.room.LocalTrackUpdate;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.ParticipantInfo;
import org.jsfu.core.room.PublishCodecs;
import org.jsfu.core.room.ParticipantState;
import org.jsfu.core.room.RequestResult;
import org.jsfu.core.room.RoomInfo;
import org.jsfu.core.room.RoomManager;
import org.jsfu.core.room.SignalSink;
import org.jsfu.core.room.SpeakerInfo;
import org.jsfu.core.room.TrackInfo;
import org.jsfu.signaling.Authenticator;
import org.jsfu.signaling.Grants;
import org.jsfu.signaling.SignalingSettings;
import org.jsfu.signaling.proto.ProtoMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant's signalling WebSocket ({@code /rtc}, v0). Decodes SignalRequests and hands them to
 * the participant on its room loop; implements {@link SignalSink} for the way back.
 */
public final class SignalSession extends SimpleChannelInboundHandler<WebSocketFrame> implements SignalSink {
    private static final Logger log = LoggerFactory.getLogger(SignalSession.class);

    private final Channel channel;
    private final RoomManager rooms;
    private final Authenticator auth;
    private final SignalingSettings settings;
    private final LongSupplier clock;
    private final JoinValidator.Result join;
    private volatile Participant participant;
    private static final int MAX_EARLY_REQUESTS = 64;
    private static final long REFUSE_LINGER_MS = 2000;
    /** A protocol violation was answered with a close frame; the rest of the input is dropped. */
    private boolean refused;
    /** Requests read before the join completed; event loop only. */
    private final java.util.ArrayDeque<Consumer<Participant>> early = new java.util.ArrayDeque<>();
    private boolean joinDone;
    private volatile boolean json;
    private volatile boolean leaveReceived;
    private volatile boolean closedByServer;
    private static final long WS_PING_MS = 10_000;
    private ScheduledFuture<?> refreshTimer;
    private ScheduledFuture<?> pingTimer;

    public SignalSession(Channel channel, RoomManager rooms, Authenticator auth, SignalingSettings settings,
                         LongSupplier clock, JoinValidator.Result join) {
        this.channel = channel;
        this.rooms = rooms;
        this.auth = auth;
        this.settings = settings;
        this.clock = clock;
        this.join = join;
    }

    /** Called right after the WS handshake was written. */
    public void start() {
        if (join.reconnect()) {
            // No resume without the media state: ask the client for a full rejoin (protocol.md 2.8).
            log.info("resume refused, asking for full reconnect room={} identity={}", join.roomName(),
                    join.grants().identity());
            sendLeave(DisconnectReason.STATE_MISMATCH, LeaveAction.RECONNECT);
            close();
            return;
        }
        CompletableFuture<Participant> f = rooms.join(join.roomName(), join.join(), this, settings.autoCreate());
        // Completion hops to this channel's event loop, where requests are read: requests that arrive
        // between the join response and this point (add_track, answer...) wait in `early`.
        f.whenComplete((p, err) -> channel.eventLoop().execute(() -> onJoined(p, err)));
    }

    /** On the event loop: the room accepted (or refused) the join. */
    private void onJoined(Participant p, Throwable err) {
        joinDone = true;
        if (err != null) {
            early.clear();
            Throwable cause = err.getCause() != null ? err.getCause() : err;
            log.info("join failed room={} identity={} reason={}", join.roomName(), join.grants().identity(),
                    cause.getMessage());
            sendLeave(DisconnectReason.JOIN_FAILURE, LeaveAction.DISCONNECT);
            close();
            return;
        }
        participant = p;
        if (!channel.isActive()) {
            early.clear();
            p.room().loop().post(() -> p.disconnect(DisconnectReason.SIGNAL_CLOSE, false));
            return;
        }
        for (Consumer<Participant> fn; (fn = early.poll()) != null; ) {
            dispatch(p, fn);
        }
        startRefresh();
    }

    private void startRefresh() {
        if (!channel.isActive()) {
            return; // channelInactive already ran on this event loop; no timers to leak
        }
        sendRefresh();
        long every = settings.refreshIntervalMs();
        refreshTimer = channel.eventLoop().scheduleAtFixedRate(this::sendRefresh, every, every, TimeUnit.MILLISECONDS);
        // WebSocket-level ping every 10 s like the Go server (keeps proxies from closing an idle socket)
        pingTimer = channel.eventLoop().scheduleAtFixedRate(() -> channel.writeAndFlush(new PingWebSocketFrame()),
                WS_PING_MS, WS_PING_MS, TimeUnit.MILLISECONDS);
    }

    private void sendRefresh() {
        try {
            sendRefreshToken(auth.refresh(join.grants(), clock.getAsLong()));
        } catch (RuntimeException e) {
            log.warn("refresh token failed identity={}", join.grants().identity(), e);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (refused) {
            return; // closing after a protocol violation: read and drop until the peer closes
        }
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            return;
        }
        if (frame instanceof PongWebSocketFrame) {
            return;
        }
        if (frame instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        LivekitRtc.SignalRequest req;
        if (frame instanceof BinaryWebSocketFrame) {
            req = SignalCodec.decodeBinary(frame.content());
        } else if (frame instanceof TextWebSocketFrame t) {
            req = SignalCodec.decodeText(t.text());
            if (req != null) {
                json = true; // answer in JSON once the client spoke valid JSON (as Go does)
            }
        } else {
            return;
        }
        if (req == null) {
            log.debug("undecodable signal message dropped identity={}", join.grants().identity());
            return;
        }
        handle(req);
    }

    private void handle(LivekitRtc.SignalRequest req) {
        switch (req.getMessageCase()) {
            case PING -> send(LivekitRtc.SignalResponse.newBuilder().setPong(clock.getAsLong()).build());
            case PING_REQ -> send(LivekitRtc.SignalResponse.newBuilder().setPongResp(LivekitRtc.Pong.newBuilder()
                    .setLastPingTimestamp(req.getPingReq().getTimestamp()).setTimestamp(clock.getAsLong())).build());
            case OFFER -> onLoop(p -> p.media().onPublisherOffer(req.getOffer().getSdp(), req.getOffer().getId()));
            case ANSWER -> onLoop(p -> p.media().onSubscriberAnswer(req.getAnswer().getSdp(), req.getAnswer().getId()));
            case TRICKLE -> onLoop(p -> p.media().onTrickle(req.getTrickle().getCandidateInit(),
                    req.getTrickle().getTargetValue()));
            case ADD_TRACK -> onLoop(p -> p.addPendingTrack(ProtoMapper.addTrack(req.getAddTrack())));
            case MUTE -> onLoop(p -> p.setTrackMuted(req.getMute().getSid(), req.getMute().getMuted(), false));
            case SUBSCRIPTION -> onLoop(p -> {
                List<String> sids = new ArrayList<>(req.getSubscription().getTrackSidsList());
                for (LivekitModels.ParticipantTracks pt : req.getSubscription().getParticipantTracksList()) {
                    sids.addAll(pt.getTrackSidsList());
                }
                p.room().updateSubscriptions(p, sids, req.getSubscription().getSubscribe());
            });
            case TRACK_SETTING -> onLoop(p -> {
                LivekitRtc.UpdateTrackSettings ts = req.getTrackSetting();
                p.media().onTrackSettings(ts.getTrackSidsList(), ts.getDisabled(), ts.getQualityValue(),
                        ts.getWidth(), ts.getHeight(), ts.getFps());
            });
            case LEAVE -> {
                leaveReceived = true;
                onLoop(p -> p.disconnect(DisconnectReason.CLIENT_INITIATED, false));
            }
            case UPDATE_METADATA -> onLoop(p -> updateMetadata(p, req.getUpdateMetadata()));
            case UPDATE_AUDIO_TRACK -> onLoop(p -> p.updateLocalTrack(ProtoMapper.audioUpdate(req.getUpdateAudioTrack())));
            case UPDATE_VIDEO_TRACK -> onLoop(p -> p.updateLocalTrack(ProtoMapper.videoUpdate(req.getUpdateVideoTrack())));
            default -> log.debug("signal message not handled type={}", req.getMessageCase());
        }
    }

    private void updateMetadata(Participant p, LivekitRtc.UpdateParticipantMetadata m) {
        int id = m.getRequestId();
        if (!p.permission().canUpdateMetadata()) {
            sendRequestResponse(id, RequestResult.NOT_ALLOWED, "does not have permission to update own metadata");
            return;
        }
        if (settings.maxMetadataSize() > 0 && m.getMetadata().length() > settings.maxMetadataSize()) {
            sendRequestResponse(id, RequestResult.LIMIT_EXCEEDED, "exceeds metadata size limit");
            return;
        }
        int attrSize = 0;
        for (Map.Entry<String, String> e : m.getAttributesMap().entrySet()) {
            attrSize += e.getKey().length() + e.getValue().length();
        }
        if (settings.maxAttributesSize() > 0 && attrSize > settings.maxAttributesSize()) {
            sendRequestResponse(id, RequestResult.LIMIT_EXCEEDED, "exceeds attributes size limit");
            return;
        }
        p.updateMetadata(m.getName().isEmpty() ? null : m.getName(), m.getMetadata(), m.getAttributesMap());
    }

    /**
     * Runs {@code fn} on the participant's room loop; before the join completes, requests are kept
     * (in order, at most {@link #MAX_EARLY_REQUESTS}) and replayed once it does. Event loop only.
     */
    private void onLoop(Consumer<Participant> fn) {
        Participant p = participant;
        if (p == null) {
            if (!joinDone && early.size() < MAX_EARLY_REQUESTS) {
                early.add(fn);
            } else {
                log.debug("signal message before join dropped identity={}", join.grants().identity());
            }
            return;
        }
        dispatch(p, fn);
    }

    private static void dispatch(Participant p, Consumer<Participant> fn) {
        p.room().loop().post(() -> {
            if (p.state() != ParticipantState.DISCONNECTED) {
                fn.accept(p);
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (refreshTimer != null) {
            refreshTimer.cancel(false);
        }
        if (pingTimer != null) {
            pingTimer.cancel(false);
        }
        Participant p = participant;
        if (p != null && !closedByServer) {
            DisconnectReason reason = leaveReceived ? DisconnectReason.CLIENT_INITIATED : DisconnectReason.SIGNAL_CLOSE;
            p.room().loop().post(() -> p.disconnect(reason, false));
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (tooBig(cause)) {
            if (refused) {
                return;
            }
            refused = true;
            log.info("signal message too big, closing identity={}", join.grants().identity());
            // RFC 6455 7.1.1: send the close frame, then wait for the peer to close. Closing at once
            // while the client is still sending the oversized frame resets the connection, and the
            // client would never see 1009; input is discarded meanwhile, bounded by a timer.
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG))
                    .addListener(f -> ctx.executor().schedule(() -> {
                        ctx.close();
                    }, REFUSE_LINGER_MS, TimeUnit.MILLISECONDS));
            return;
        }
        log.info("signal connection error identity={} error={}", join.grants().identity(), cause.toString());
        ctx.close();
    }

    private static boolean tooBig(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TooLongFrameException || c instanceof DecompressionException) {
                return true;
            }
            if (c instanceof CorruptedFrameException && String.valueOf(c.getMessage()).contains("Max frame length")) {
                return true;
            }
            if (c instanceof DecoderException && String.valueOf(c.getMessage()).contains("maximum size")) {
                return true;
            }
        }
        return false;
    }

    private void send(LivekitRtc.SignalResponse msg) {
        if (channel.isActive()) {
            channel.writeAndFlush(SignalCodec.encode(msg, json));
        }
    }

    private static LivekitRtc.SignalResponse.Builder resp() {
        return LivekitRtc.SignalResponse.newBuilder();
    }

    // ---- SignalSink (called on the room loop) ----

    @Override
    public void sendJoin(RoomInfo room, ParticipantInfo self, List<ParticipantInfo> others,
                         List<PublishCodecs.Enabled> publishCodecs) {
        Grants g = join.grants();
        LivekitRtc.JoinResponse.Builder b = LivekitRtc.JoinResponse.newBuilder()
                .setRoom(ProtoMapper.room(room))
                .setParticipant(ProtoMapper.participant(self))
                .setServerVersion(SignalingSettings.SERVER_VERSION)
                .setServerInfo(LivekitModels.ServerInfo.newBuilder()
                        .setEdition(LivekitModels.ServerInfo.Edition.Standard)
                        .setVersion(SignalingSettings.SERVER_VERSION)
                        .setProtocol(SignalingSettings.PROTOCOL))
                .setSubscriberPrimary(join.join().client().protocol() > 2 && g.canSubscribe())
                .setFastPublish(g.canPublish())
                .setPingInterval(settings.pingIntervalS())
                .setPingTimeout(settings.pingTimeoutS());
        for (ParticipantInfo o : others) {
            b.addOtherParticipants(ProtoMapper.participant(o));
        }
        // as LiveKit: the room's enabled codecs (here: those the media plane forwards), VP8 first; with them
        // livekit-client picks a codec the server takes before it asks, and offers without awaiting the answer
        for (PublishCodecs.Enabled c : publishCodecs) {
            b.addEnabledPublishCodecs(LivekitModels.Codec.newBuilder().setMime(c.mime()).setFmtpLine(c.fmtpLine()));
        }
        send(resp().setJoin(b).build());
    }

    @Override
    public void sendParticipantUpdate(List<ParticipantInfo> participants) {
        LivekitRtc.ParticipantUpdate.Builder u = LivekitRtc.ParticipantUpdate.newBuilder();
        participants.forEach(p -> u.addParticipants(ProtoMapper.participant(p)));
        send(resp().setUpdate(u).build());
    }

    @Override
    public void sendTrackPublished(String cid, TrackInfo track) {
        send(resp().setTrackPublished(LivekitRtc.TrackPublishedResponse.newBuilder().setCid(cid)
                .setTrack(ProtoMapper.track(track))).build());
    }

    @Override
    public void sendTrackUnpublished(String trackSid) {
        send(resp().setTrackUnpublished(LivekitRtc.TrackUnpublishedResponse.newBuilder().setTrackSid(trackSid)).build());
    }

    @Override
    public void sendMute(String trackSid, boolean muted) {
        send(resp().setMute(LivekitRtc.MuteTrackRequest.newBuilder().setSid(trackSid).setMuted(muted)).build());
    }

    @Override
    public void sendLeave(DisconnectReason reason, LeaveAction action) {
        send(resp().setLeave(LivekitRtc.LeaveRequest.newBuilder()
                .setCanReconnect(action != LeaveAction.DISCONNECT)
                .setReasonValue(reason.wire)
                .setActionValue(action.ordinal())).build());
    }

    @Override
    public void sendRefreshToken(String token) {
        send(resp().setRefreshToken(token).build());
    }

    @Override
    public void sendRoomUpdate(RoomInfo room) {
        send(resp().setRoomUpdate(LivekitRtc.RoomUpdate.newBuilder().setRoom(ProtoMapper.room(room))).build());
    }

    @Override
    public void sendSpeakersChanged(List<SpeakerInfo> speakers) {
        LivekitRtc.SpeakersChanged.Builder b = LivekitRtc.SpeakersChanged.newBuilder();
        for (SpeakerInfo s : speakers) {
            b.addSpeakers(LivekitModels.SpeakerInfo.newBuilder().setSid(s.sid()).setLevel(s.level())
                    .setActive(s.active()));
        }
        send(resp().setSpeakersChanged(b).build());
    }

    @Override
    public void sendOffer(String sdp, int id, Map<String, String> midToTrackId) {
        send(resp().setOffer(LivekitRtc.SessionDescription.newBuilder().setType("offer").setSdp(sdp).setId(id)
                .putAllMidToTrackId(midToTrackId)).build());
    }

    @Override
    public void sendAnswer(String sdp, int id) {
        send(resp().setAnswer(LivekitRtc.SessionDescription.newBuilder().setType("answer").setSdp(sdp).setId(id))
                .build());
    }

    @Override
    public void sendTrickle(String candidateInit, int target, boolean last) {
        send(resp().setTrickle(LivekitRtc.TrickleRequest.newBuilder().setCandidateInit(candidateInit)
                .setTargetValue(target).setFinal(last)).build());
    }

    @Override
    public void sendTrackSubscribed(String trackSid) {
        send(resp().setTrackSubscribed(LivekitRtc.TrackSubscribed.newBuilder().setTrackSid(trackSid)).build());
    }

    @Override
    public void sendRequestResponse(int requestId, RequestResult result, String message) {
        send(resp().setRequestResponse(LivekitRtc.RequestResponse.newBuilder().setRequestId(requestId)
                .setReasonValue(result.ordinal()).setMessage(message)).build());
    }

    @Override
    public void sendTrackUpdateNotFound(LocalTrackUpdate update) {
        send(resp().setRequestResponse(ProtoMapper.trackUpdateNotFound(update)).build());
    }

    @Override
    public void close() {
        closedByServer = true;
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }
}
