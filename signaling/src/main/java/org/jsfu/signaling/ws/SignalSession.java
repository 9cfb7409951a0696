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
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.ParticipantState;
import org.jsfu.core.room.RequestResult;
import org.jsfu.core.room.RoomManager;
import org.jsfu.signaling.Authenticator;
import org.jsfu.signaling.SignalingSettings;
import org.jsfu.signaling.proto.ProtoMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signalling WebSocket ({@code /rtc}, v0). Decodes SignalRequests and hands them to the participant
 * on its room loop. The way back goes through the participant's {@link SignalLink}, which outlives a
 * session: a socket that closes without leave while the media is connected leaves the participant in
 * place, and a resume ({@code reconnect=1&sid=...}) attaches a new session to it (livekit-protocol.md 2.8).
 */
public final class SignalSession extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(SignalSession.class);

    private final Channel channel;
    private final RoomManager rooms;
    private final Authenticator auth;
    private final SignalingSettings settings;
    private final LongSupplier clock;
    private final JoinValidator.Result join;
    private volatile Participant participant;
    /** The participant's link, once joined or resumed; its state lives on the room loop. */
    private volatile SignalLink link;
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
    /**
     * The socket is closing (the client's close frame arrived, or a too-big message is being refused): it still
     * counts as active until channelInactive, but what is written to it now would be lost.
     */
    private volatile boolean closing;
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
            startResume();
            return;
        }
        SignalLink l = new SignalLink(this, join, settings);
        link = l;
        CompletableFuture<Participant> f = rooms.join(join.roomName(), join.join(), l, settings.autoCreate());
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
            send(SignalLink.leave(DisconnectReason.JOIN_FAILURE, LeaveAction.DISCONNECT));
            close();
            return;
        }
        p.room().loop().post(() -> link.bind(p));
        attached(p);
    }

    /** On the event loop: {@code p} is this session's participant (joined or resumed). */
    private void attached(Participant p) {
        participant = p;
        if (!channel.isActive()) {
            early.clear(); // channelInactive already ran (without a participant): act for it
            signalClosed(p);
            return;
        }
        for (Consumer<Participant> fn; (fn = early.poll()) != null; ) {
            dispatch(p, fn);
        }
        startRefresh();
    }

    /**
     * A resume: the participant named by {@code sid}, in this token's room, with this token's identity and
     * not disconnected, takes this socket as its signal ({@link SignalLink#resume}, which sends
     * {@code reconnect} first). Anything else gets leave STATE_MISMATCH / RECONNECT as the first frame, and
     * the client rejoins in full. A resume that throws part way (in the media's
     * {@link org.jsfu.core.room.ParticipantMedia#onSignalResumed}, say) would leave the participant attached
     * to this socket with its resume window cancelled; it ends as LiveKit's full reconnect instead (Go:
     * ParticipantImpl.ICERestart failing calls IssueFullReconnect): leave STATE_MISMATCH / RECONNECT, then
     * the participant is removed (STATE_MISMATCH) and the client rejoins in full.
     */
    private void startResume() {
        String sid = join.reconnectSid();
        String identity = join.grants().identity();
        CompletableFuture<Participant> f = rooms.withRoom(join.roomName(), r -> {
            Participant p = sid == null ? null : r.participantBySid(sid);
            if (p == null || p.state() == ParticipantState.DISCONNECTED || !p.identity().equals(identity)
                    || !(p.sink() instanceof SignalLink l) || !l.resumable()) {
                return null;
            }
            try {
                l.resume(this, p, join.reconnectReason());
            } catch (RuntimeException e) {
                log.warn("resume failed, asking for full reconnect room={} identity={} sid={} err={}",
                        join.roomName(), identity, sid, e.toString());
                l.sendLeave(DisconnectReason.STATE_MISMATCH, LeaveAction.RECONNECT); // on this socket once attached
                p.disconnect(DisconnectReason.STATE_MISMATCH, false); // closes the link, and this socket with it
                return null;
            }
            return p;
        });
        f.whenComplete((p, err) -> channel.eventLoop().execute(() -> onResumed(p)));
    }

    /** On the event loop: the resume went through ({@code p}) or not (null). */
    private void onResumed(Participant p) {
        joinDone = true;
        if (p == null) {
            early.clear();
            if (closedByServer) {
                return; // the resume failed after attaching: its leave went out before the close
            }
            log.info("resume refused, asking for full reconnect room={} identity={} sid={} reason={}",
                    join.roomName(), join.grants().identity(), join.reconnectSid(), join.reconnectReason());
            send(SignalLink.leave(DisconnectReason.STATE_MISMATCH, LeaveAction.RECONNECT));
            close();
            return;
        }
        link = (SignalLink) p.sink();
        attached(p);
    }

    /**
     * The socket is gone without the server closing it: after leave the participant leaves
     * (CLIENT_INITIATED); otherwise its link keeps it for a resume when its media is connected, and a
     * participant without media is removed at once (SIGNAL_CLOSE).
     */
    private void signalClosed(Participant p) {
        SignalLink l = link;
        boolean leave = leaveReceived;
        p.room().loop().post(() -> {
            if (leave || l == null || !l.detach(this)) {
                p.disconnect(leave ? DisconnectReason.CLIENT_INITIATED : DisconnectReason.SIGNAL_CLOSE, false);
            }
        });
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
            send(LivekitRtc.SignalResponse.newBuilder().setRefreshToken(auth.refresh(join.grants(), clock.getAsLong()))
                    .build());
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
            closing = true; // what the room sends from now on is held by the link, not written to a closing socket
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
            case SYNC_STATE -> onLoop(p -> syncState(p, req.getSyncState()));
            default -> log.debug("signal message not handled type={}", req.getMessageCase());
        }
    }

    private void updateMetadata(Participant p, LivekitRtc.UpdateParticipantMetadata m) {
        int id = m.getRequestId();
        if (!p.permission().canUpdateMetadata()) {
            p.sink().sendRequestResponse(id, RequestResult.NOT_ALLOWED, "does not have permission to update own metadata");
            return;
        }
        if (settings.maxMetadataSize() > 0 && m.getMetadata().length() > settings.maxMetadataSize()) {
            p.sink().sendRequestResponse(id, RequestResult.LIMIT_EXCEEDED, "exceeds metadata size limit");
            return;
        }
        int attrSize = 0;
        for (Map.Entry<String, String> e : m.getAttributesMap().entrySet()) {
            attrSize += e.getKey().length() + e.getValue().length();
        }
        if (settings.maxAttributesSize() > 0 && attrSize > settings.maxAttributesSize()) {
            p.sink().sendRequestResponse(id, RequestResult.LIMIT_EXCEEDED, "exceeds attributes size limit");
            return;
        }
        p.updateMetadata(m.getName().isEmpty() ? null : m.getName(), m.getMetadata(), m.getAttributesMap());
    }

    /**
     * SyncState, which livekit-client sends after a resume. The server kept the participant's state, so
     * only what the client may have changed while its requests could not arrive is applied: its
     * subscription (with auto-subscribe the tracks it unsubscribed, else those it subscribed, as the Go
     * server applies it) and the tracks it has disabled. The SDP answer/offer and data channel states are
     * logged, not applied: the subscriber PC converges through the fresh offer sent on resume.
     */
    private void syncState(Participant p, LivekitRtc.SyncState st) {
        LivekitRtc.UpdateSubscription sub = st.getSubscription();
        List<String> sids = new ArrayList<>(sub.getTrackSidsList());
        for (LivekitModels.ParticipantTracks pt : sub.getParticipantTracksList()) {
            sids.addAll(pt.getTrackSidsList());
        }
        if (!sids.isEmpty()) {
            p.room().updateSubscriptions(p, sids, sub.getSubscribe());
        }
        if (st.getTrackSidsDisabledCount() > 0) {
            p.media().onTrackSettings(st.getTrackSidsDisabledList(), true, 0, 0, 0, 0);
        }
        log.info("sync state room={} identity={} subscription={} subscribe={} disabled={} publishTracks={} dataChannels={}",
                p.room().name(), p.identity(), sids.size(), sub.getSubscribe(), st.getTrackSidsDisabledCount(),
                st.getPublishTracksCount(), st.getDataChannelsCount());
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
            signalClosed(p);
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
            closing = true;
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

    /** Writes one response on this socket (any thread; Netty keeps the order of calls from one thread). */
    void send(LivekitRtc.SignalResponse msg) {
        if (channel.isActive()) {
            channel.writeAndFlush(SignalCodec.encode(msg, json));
        }
    }

    /** Whether this socket still carries messages (open, not closed by the server). Any thread. */
    boolean isOpen() {
        return channel.isActive() && !closedByServer && !closing;
    }

    /**
     * A resume on another socket took over (the client gave up on this one after its ping timeout, but it
     * is still open here): close it without touching the participant.
     */
    void closeReplaced() {
        log.info("signal socket replaced by a resume, closing it identity={}", join.grants().identity());
        close();
    }

    /** Closes this socket; its close does not disconnect the participant (the server chose it). */
    void close() {
        closedByServer = true;
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }
}
