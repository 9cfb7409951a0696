package org.jsfu.core.media;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsfu.core.ice.IceCandidates;
import org.jsfu.core.room.DisconnectReason;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.ParticipantMedia;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.TrackInfo;
import org.jsfu.core.room.TrackType;
import org.jsfu.core.rtcp.Rtcp;
import org.jsfu.core.rtcp.RtcpIterator;
import org.jsfu.core.rtcp.SenderReport;
import org.jsfu.core.rtcp.Pli;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.sdp.AnsweredMedia;
import org.jsfu.core.sdp.Codec;
import org.jsfu.core.sdp.CodecPolicy;
import org.jsfu.core.sdp.HeaderExtensionIds;
import org.jsfu.core.sdp.MediaKind;
import org.jsfu.core.sdp.NegotiatedMedia;
import org.jsfu.core.sdp.PublisherAnswer;
import org.jsfu.core.sdp.RemoteTransport;
import org.jsfu.core.sdp.Sdp;
import org.jsfu.core.sdp.SdpNegotiator;
import org.jsfu.core.sdp.SubscriberAnswerInfo;
import org.jsfu.core.sdp.SubscriberOffer;
import org.jsfu.core.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media side of one participant in LiveKit's dual peer connection mode (/rtc): the publisher PC
 * (the client offers, we answer) and the subscriber PC (we offer, the client answers). Runs on the
 * room's loop.
 */
final class WebRtcSession implements ParticipantMedia, PeerTransport.Listener, TrackPublisher, TrackSubscriber {
    private static final Logger log = LoggerFactory.getLogger(WebRtcSession.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Incoming SSRCs mapped to published tracks per participant, at most. */
    static final int MAX_SSRCS = 32;
    private static final long TICK_MS = 500;
    private static final long ANSWER_TIMEOUT_NANOS = 5_000_000_000L;
    static final long NEGOTIATE_DELAY_MS = 150;

    private final MediaPlane plane;
    private final RoomRouter router;
    private final Room room;
    private final Participant participant;
    private final String cname;
    private PeerTransport pub;
    private PeerTransport sub;
    private boolean active;
    private boolean closed;
    private final SessionDataChannels data;

    // publisher side
    private final Map<String, PubMedia> pubByMid = new HashMap<>();
    private final int[] ssrcKeys = new int[MAX_SSRCS];
    private final UpTrack[] ssrcTracks = new UpTrack[MAX_SSRCS];
    private final int[] ssrcLayers = new int[MAX_SSRCS];
    private int ssrcCount;
    private int midExtId = -1;
    private int ridExtId = -1;
    private int repairedRidExtId = -1;
    private final RtxStreams rtx = new RtxStreams(MAX_SSRCS);
    private final RtpPacket in = new RtpPacket();
    private final RtcpIterator rtcpIn = new RtcpIterator();
    private final byte[] rtcpOut = new byte[64];
    private final PublisherFeedback pubFeedback;
    private final SubscriberRtcp subRtcp;
    private final RtcpOut pubRtcpOut = this::sendPublisherRtcp;
    private final RtcpOut subRtcpOut = this::sendSubscriberRtcp;

    // subscriber side
    private final SubscriberMediaLines mlines = new SubscriberMediaLines();
    private final Map<String, DownTrack> downs = new HashMap<>();
    /** The same DownTracks, for allocation-free iteration on RTCP. */
    private final List<DownTrack> downList = new ArrayList<>();
    /** Video DownTracks in {@link #downList}: the only ones that wait for key frames. */
    private int videoDowns;
    private int offerId;
    private long offerVersion;
    private boolean offerInFlight;
    private long offerSentNanos;
    private boolean renegotiate;
    private boolean negotiateScheduled;
    private SubscriberOffer lastOffer;
    private String subRemoteUfrag;
    /** The ufrag of the last publisher offer: a new one is an ICE restart (RFC 8839 4.4). */
    private String pubRemoteUfrag;

    private static final class PubMedia {
        final NegotiatedMedia media;
        UpTrack up;

        PubMedia(NegotiatedMedia media) {
            this.media = media;
        }
    }

    WebRtcSession(MediaPlane plane, RoomRouter router, Room room, Participant participant) {
        this.plane = plane;
        this.router = router;
        this.room = room;
        this.participant = participant;
        this.cname = participant.sid();
        this.data = new SessionDataChannels(participant, room.loop());
        byte[] cnameUtf8 = cname.getBytes(StandardCharsets.UTF_8);
        this.pubFeedback = new PublisherFeedback(RANDOM.nextInt() | 1, cnameUtf8);
        this.subRtcp = new SubscriberRtcp(cnameUtf8, plane.downlinkAcked);
    }

    @Override
    public void start() {
        // The room may already have subscribed us to existing tracks (which sent the first offer).
        if (ensureSubscriber() && offerId == 0) {
            negotiate();
        }
        // one shared timer per loop and period for every session (not one timer task per session); the
        // 50 ms publisher feedback timer only for sessions with a publisher PC (onPublisherOffer)
        room.loop().every(TICK_MS).add(this::tick);
    }

    /** Creates the subscriber PC on first need; false when this participant may not subscribe. */
    private boolean ensureSubscriber() {
        if (sub == null && !closed && participant.permission().canSubscribe()) {
            sub = plane.newTransport("sub:" + participant.identity(), room, this, true);
            sub.driveConsentFromTick(TICK_MS);
        }
        return sub != null;
    }

    /**
     * Every {@link #TICK_MS} on the loop: consent, data channels, keyframe waits, the answer timeout, and
     * the subscriber PC's sender reports (due once a second: every other tick); false (leave the timer)
     * once closed.
     */
    private boolean tick(long now) {
        if (closed) {
            return false;
        }
        if (pub != null) {
            pub.tick(now);
        }
        if (sub != null) {
            sub.tick(now);
            if (sub.isConnected()) {
                subRtcp.tick(subRtcpOut, downList, now, System.currentTimeMillis());
            }
        }
        data.tick();
        if (videoDowns > 0) { // only video DownTracks wait for key frames
            for (int i = 0, n = downList.size(); i < n; i++) { // indexed: no iterator per tick
                DownTrack d = downList.get(i);
                if (d.waitingForKeyframe()) {
                    d.requestKeyframe(now);
                }
            }
        }
        if (offerInFlight && now - offerSentNanos > ANSWER_TIMEOUT_NANOS) {
            log.warn("subscriber answer timed out room={} identity={} offer={}", room.name(),
                    participant.identity(), offerId);
            offerInFlight = false;
            negotiate();
        }
        return true;
    }

    // ---- publisher PC -------------------------------------------------------------------------

    @Override
    public void onPublisherOffer(String sdp, int id) {
        if (closed) {
            return;
        }
        try {
            if (pub == null) {
                pub = plane.newTransport("pub:" + participant.identity(), room, this, false);
                pub.driveConsentFromTick(TICK_MS);
                room.loop().every(PublisherFeedback.TICK_MS).add(this::publisherRtcpTick);
            }
            RemoteTransport remote = SdpNegotiator.remoteTransport(Sdp.parse(sdp));
            if (pubRemoteUfrag != null && remote.iceUfrag() != null && !pubRemoteUfrag.equals(remote.iceUfrag())) {
                // the client restarts ICE (livekit-client does on every resume): the answerer of a restart
                // offer picks new credentials too (RFC 8839 4.4, JSEP RFC 8829 5.3.1)
                pub.restartLocalIce();
            }
            pubRemoteUfrag = remote.iceUfrag();
            PublisherAnswer answer = SdpNegotiator.answerPublisherOffer(sdp, plane.localTransport(pub),
                    publisherPolicy());
            pub.setRemote(remote.iceUfrag(), remote.icePwd(), remote.fingerprint(), remote.iceLite());
            addCandidates(pub, remote.candidates());
            participant.sink().sendAnswer(answer.sdp(), id);
            applyPublisherMedia(answer.media());
            log.info("publisher offer answered room={} identity={} id={} sections={}", room.name(),
                    participant.identity(), id, answer.media().size());
        } catch (RuntimeException e) {
            log.warn("publisher offer rejected room={} identity={} err={}", room.name(), participant.identity(),
                    e.toString());
        }
    }

    /**
     * The codec policy for this participant's offers: the room's publish video codecs, the codec each track
     * was given in its TrackInfo (the requested one or the server's fallback), and its
     * audio features (AddTrackRequest disable_dtx -> no usedtx, stereo -> stereo=1) by cid, for tracks
     * announced or already published (a renegotiation answers their m-lines again).
     */
    private CodecPolicy publisherPolicy() {
        Set<String> noDtx = new HashSet<>();
        Set<String> stereo = new HashSet<>();
        List<TrackInfo> tracks = new ArrayList<>(participant.pendingTracks());
        tracks.addAll(participant.publishedTracks());
        for (TrackInfo t : tracks) {
            if (t.cid() == null || t.type() != TrackType.AUDIO) {
                continue;
            }
            if (t.disableDtx()) {
                noDtx.add(t.cid());
            }
            if (t.stereo()) {
                stereo.add(t.cid());
            }
        }
        // only the video codecs the room accepts and the plane forwards (room.enabled_codecs): an offered
        // VP9 or AV1 is never answered; the track's codec after the server's fallback comes first
        return plane.codecPolicy().withVideoCodecs(participant.room().publishCodecs().videoCodecNames())
                .withRequestedVideoCodecs(participant.requestedVideoCodecs())
                .withAudioFeatures(noDtx, stereo);
    }

    private void applyPublisherMedia(List<NegotiatedMedia> media) {
        for (NegotiatedMedia m : media) {
            if (m.kind() == MediaKind.APPLICATION) {
                continue;
            }
            PubMedia old = pubByMid.get(m.mid());
            if (m.receiving()) {
                if (m.extensionIds().mid() > 0) {
                    midExtId = m.extensionIds().mid();
                }
                if (m.extensionIds().rid() > 0) {
                    ridExtId = m.extensionIds().rid();
                }
                if (m.extensionIds().repairedRid() > 0) {
                    repairedRidExtId = m.extensionIds().repairedRid();
                }
                if (m.extensionIds().transportCc() > 0) {
                    pubFeedback.setTransportCcExtension(m.extensionIds().transportCc());
                }
                if (old == null || !sameTrack(old.media, m)) {
                    if (old != null && old.up != null) {
                        unpublish(old);
                    }
                    pubByMid.put(m.mid(), new PubMedia(m));
                }
            } else if (old != null) {
                pubByMid.remove(m.mid());
                if (old.up != null) {
                    unpublish(old);
                }
            }
        }
    }

    private static boolean sameTrack(NegotiatedMedia a, NegotiatedMedia b) {
        return a.msidTrack() != null && a.msidTrack().equals(b.msidTrack());
    }

    private void unpublish(PubMedia pm) {
        forgetSsrcs(pm.up);
        participant.unpublishTrack(pm.up.trackSid, false);
        UpTrack up = router.remove(pm.up.trackSid);
        if (up != null) {
            up.close(System.nanoTime());
        }
    }

    @Override
    public void onRtp(PeerTransport t, byte[] b, int off, int len, long nowNanos) {
        if (t != pub || !in.wrap(b, off, len)) {
            return;
        }
        pubFeedback.onRtp(in, nowNanos);
        int ssrc = in.ssrc();
        int i = indexOfSsrc(ssrc);
        if (i < 0) {
            int r = rtx.indexOf(ssrc);
            if (r >= 0) {
                onRtx(r, nowNanos);
                return;
            }
            i = resolveSsrc(ssrc);
            if (i < 0) {
                r = rtx.indexOf(ssrc); // mapped just now as an RTX stream
                if (r >= 0) {
                    onRtx(r, nowNanos);
                }
                return;
            }
        }
        ssrcTracks[i].onRtp(in, ssrcLayers[i], nowNanos, router.scratch);
    }

    /**
     * RFC 4588 4: an RTX packet carries the original sequence number (OSN) in its first two payload
     * bytes. The original is rebuilt (primary SSRC, the codec's payload type, OSN, the rest of the
     * payload, no padding) and handled as a late packet of its stream: it fills the gap our NACK asked
     * for, and subscribers get it in its reserved place. Padding-only RTX (bandwidth probes) is dropped.
     */
    private void onRtx(int r, long nowNanos) {
        int j = indexOfSsrc(rtx.primary(r));
        if (j < 0) {
            return;
        }
        UpTrack up = ssrcTracks[j];
        RtpPacket original = rtx.unwrap(in, rtx.primary(r), up.codec.pt());
        if (original != null) {
            up.onRepair(original, ssrcLayers[j], nowNanos, router.scratch);
        }
    }

    /**
     * Maps an RTX SSRC to the primary it repairs: the offer's FID group, else (rid simulcast) the layer
     * named by the repaired-rid extension. Returns -1 until that primary is mapped itself.
     */
    private int resolveRtx(int ssrc, PubMedia pm) {
        if (pm.up == null) {
            return -1;
        }
        int primary;
        if (pm.media.ssrcs() != null && pm.media.ssrcs().rtx() == (ssrc & 0xffffffffL)) {
            primary = (int) pm.media.ssrcs().primary();
        } else {
            int layer = 0;
            if (!pm.media.rids().isEmpty()) {
                String rrid = extString(repairedRidExtId);
                if (rrid == null) {
                    return -1;
                }
                layer = layerOf(rrid, pm.media.rids());
            }
            primary = pm.up.layerSsrc(layer);
        }
        int i = indexOfSsrc(primary);
        if (i < 0 || ssrcTracks[i] != pm.up) {
            return -1;
        }
        int r = rtx.add(ssrc, primary);
        if (r >= 0) {
            participant.setLayerRepairSsrc(pm.up.trackSid, primary & 0xffffffffL, ssrc & 0xffffffffL);
            log.debug("rtx ssrc mapped room={} identity={} track={} rtx={} primary={}", room.name(),
                    participant.identity(), pm.up.trackSid, ssrc & 0xffffffffL, primary & 0xffffffffL);
        }
        return r;
    }

    private int indexOfSsrc(int ssrc) {
        for (int i = 0; i < ssrcCount; i++) {
            if (ssrcKeys[i] == ssrc) {
                return i;
            }
        }
        return -1;
    }

    /** Maps a new SSRC to its track by the mid header extension or the offer's a=ssrc lines. */
    private int resolveSsrc(int ssrc) {
        // Padding-only packets (bandwidth probes, often on an RTX SSRC) carry nothing to forward; an SSRC
        // is mapped on its first real packet, so probes never pay for the lookup.
        if (ssrcCount >= MAX_SSRCS || in.payloadLength() == 0) {
            return -1;
        }
        String mid = extString(midExtId);
        PubMedia pm = mid != null ? pubByMid.get(mid) : null;
        if (pm == null) {
            long unsigned = ssrc & 0xffffffffL;
            for (PubMedia c : pubByMid.values()) {
                if (c.media.ssrcs() != null && declares(c.media.ssrcs().all(), unsigned)) {
                    pm = c;
                    break;
                }
            }
        }
        if (pm == null) {
            return -1;
        }
        if (in.payloadType() == pm.media.rtxPt()
                || pm.media.ssrcs() != null && pm.media.ssrcs().rtx() == (ssrc & 0xffffffffL)) {
            resolveRtx(ssrc, pm);
            return -1;
        }
        if (in.payloadType() == pm.media.redPt() && pm.media.codec().pt() != pm.media.redPt()) {
            return -1;
        }
        int layer = 0;
        String rid = "";
        if (!pm.media.rids().isEmpty()) {
            rid = extString(ridExtId);
            if (rid == null) {
                return -1;
            }
            layer = layerOf(rid, pm.media.rids());
        }
        if (pm.up == null) {
            pm.up = publish(pm, rid, layer, ssrc);
            if (pm.up == null) {
                return -1;
            }
        }
        // One SSRC per layer: a second stream claiming the same mid (and rid) is not this track.
        if (pm.up.layerTaken(layer, ssrc) || !pm.up.addLayer(layer, ssrc)) {
            return -1;
        }
        // TrackInfo layers[].ssrc (the first layer's went out with the publication; a later one is broadcast)
        participant.setLayerSsrc(pm.up.trackSid, pm.media.codec().mimeType(pm.media.kind()), rid, layer,
                ssrc & 0xffffffffL);
        ssrcKeys[ssrcCount] = ssrc;
        ssrcTracks[ssrcCount] = pm.up;
        ssrcLayers[ssrcCount] = layer;
        log.debug("ssrc mapped room={} identity={} track={} ssrc={} layer={}", room.name(),
                participant.identity(), pm.up.trackSid, ssrc & 0xffffffffL, layer);
        return ssrcCount++;
    }

    private static boolean declares(List<Long> ssrcs, long ssrc) {
        for (int i = 0, n = ssrcs.size(); i < n; i++) {
            if (ssrcs.get(i) == ssrc) {
                return true;
            }
        }
        return false;
    }

    private static int layerOf(String rid, List<String> rids) {
        switch (rid) {
            case "q": return 0;
            case "h": return 1;
            case "f": return 2;
            default:
                int i = rids.indexOf(rid);
                return i < 0 ? 0 : Math.min(i, UpTrack.MAX_LAYERS - 1);
        }
    }

    private String extString(int id) {
        if (id <= 0) {
            return null;
        }
        long ref = in.findExtension(id);
        if (ref < 0) {
            return null;
        }
        int len = RtpPacket.extLength(ref);
        if (len <= 0 || len > 32) {
            return null;
        }
        return new String(in.buffer(), RtpPacket.extOffset(ref), len, StandardCharsets.US_ASCII);
    }

    /** Publishes the pending track of {@code pm} on its first packet ({@code ssrc} of layer {@code rid}/{@code layer}). */
    private UpTrack publish(PubMedia pm, String rid, int layer, int ssrc) {
        String cid = pm.media.msidTrack();
        TrackInfo pending = cid == null ? null : participant.pendingTrack(cid);
        if (pending == null) {
            log.warn("media for a track that was not announced room={} identity={} mid={} cid={}", room.name(),
                    participant.identity(), pm.media.mid(), cid);
            return null;
        }
        boolean video = pm.media.kind() == MediaKind.VIDEO;
        UpTrack up = new UpTrack(pending.sid(), participant.sid(), video, pm.media.codec(), this,
                pm.media.extensionIds().audioLevel());
        up.setPublishedSize(pending.width(), pending.height());
        up.setScreenShare(pending.source() == org.jsfu.core.room.TrackSource.SCREEN_SHARE);
        for (org.jsfu.core.room.VideoLayer l : pending.layers()) {
            up.setLayerSize(l.quality(), l.width(), l.height());
        }
        router.add(up);
        String mime = pm.media.codec().mimeType(pm.media.kind());
        participant.setLayerSsrc(pending.sid(), mime, rid, layer, ssrc & 0xffffffffL);
        if (participant.publishPendingTrack(cid, pm.media.mid(), mime) == null) {
            router.remove(up.trackSid);
            return null;
        }
        if (pending.muted()) {
            up.setMuted(true, System.nanoTime());
        }
        log.info("track published room={} identity={} track={} mime={} mid={}", room.name(),
                participant.identity(), up.trackSid, mime, pm.media.mid());
        return up;
    }

    private void forgetSsrcs(UpTrack up) {
        int w = 0;
        for (int r = 0; r < ssrcCount; r++) {
            if (ssrcTracks[r] != up) {
                ssrcKeys[w] = ssrcKeys[r];
                ssrcTracks[w] = ssrcTracks[r];
                ssrcLayers[w] = ssrcLayers[r];
                w++;
            }
        }
        for (int i = w; i < ssrcCount; i++) {
            ssrcTracks[i] = null;
        }
        ssrcCount = w;
        rtx.retainPrimaries(ssrcKeys, ssrcCount);
    }

    /** On the loop, for tests and metrics: {incoming SSRCs mapped to tracks, SSRCs with SRTP state on the publisher PC}. */
    int[] inboundSsrcCounts() {
        return new int[] {ssrcCount, pub == null ? 0 : pub.srtpReceiveStreams()};
    }

    /** On the loop, for tests and metrics: {tracks forwarded to this subscriber, m-lines of its subscriber PC}. */
    int[] subscriberCounts() {
        return new int[] {downs.size(), mlines.media().size()};
    }

    /** RFC 4585 6.3.1: a Picture Loss Indication for {@code mediaSsrc} to this publisher. */
    @Override
    public void sendPli(int mediaSsrc) {
        if (pub == null || !pub.isConnected()) {
            return;
        }
        int n = Pli.write(rtcpOut, 0, pubFeedback.senderSsrc(), mediaSsrc);
        pub.sendRtcp(rtcpOut, 0, n);
    }

    // ---- subscriber PC ------------------------------------------------------------------------

    @Override
    public void onTrackSubscribed(Participant publisher, TrackInfo track) {
        if (closed || !ensureSubscriber() || downs.containsKey(track.sid())) {
            return;
        }
        UpTrack up = router.get(track.sid());
        if (up == null || up.closed) {
            log.warn("subscribe to unknown track room={} identity={} track={}", room.name(),
                    participant.identity(), track.sid());
            return;
        }
        int ssrc = RANDOM.nextInt() | 1;
        Codec c = subscriberCodec(up.codec);
        // a new mid, or an inactive m-line of the same kind and codec the client has answered
        String mid = mlines.add(up.video ? MediaKind.VIDEO : MediaKind.AUDIO, c, -1, ssrc & 0xffffffffL, -1,
                cname, publisher.sid(), track.sid());
        DownTrack d = new DownTrack(track.sid(), mid, up, this, c.pt(), ssrc, RANDOM.nextInt(0x8000),
                RANDOM.nextInt() & 0x7fffffffL);
        downs.put(track.sid(), d);
        downList.add(d);
        if (up.video) {
            videoDowns++;
        }
        up.downs.add(d);
        negotiate();
    }

    private static Codec subscriberCodec(Codec published) {
        if (published.is("opus")) {
            return Codec.opus(published.pt(), false);
        }
        return published;
    }

    @Override
    public void onTrackUnsubscribed(String publisherSid, String trackSid) {
        removeDownTrack(trackSid);
    }

    @Override
    public void removeDownTrack(String trackSid) {
        DownTrack d = downs.remove(trackSid);
        if (d == null) {
            return;
        }
        downList.remove(d);
        if (d.up.video) {
            videoDowns--;
        }
        d.up.downs.remove(d);
        mlines.deactivate(d.mid);
        if (!closed) {
            negotiate();
        }
    }

    /**
     * Asks for a subscriber offer. Offers are debounced: changes within {@link #NEGOTIATE_DELAY_MS}
     * share one offer, and the first offer never races the join response (livekit-client drops an
     * offer that arrives before it has built its peer connections, as the Go server's 150 ms
     * negotiation debounce avoids too).
     */
    private void negotiate() {
        if (sub == null || closed || negotiateScheduled) {
            return;
        }
        if (offerInFlight) {
            renegotiate = true;
            return;
        }
        negotiateScheduled = true;
        room.loop().schedule(this::sendOffer, NEGOTIATE_DELAY_MS);
    }

    private void sendOffer() {
        negotiateScheduled = false;
        if (sub == null || closed) {
            return;
        }
        if (offerInFlight) {
            renegotiate = true;
            return;
        }
        renegotiate = false;
        lastOffer = SdpNegotiator.buildSubscriberOffer(plane.localTransport(sub), ++offerVersion, mlines.media());
        mlines.offerSent();
        offerId++;
        offerInFlight = true;
        offerSentNanos = System.nanoTime();
        participant.sink().sendOffer(lastOffer.sdp(), offerId, lastOffer.midToTrackId());
    }

    @Override
    public void onSubscriberAnswer(String sdp, int id) {
        if (closed || sub == null || lastOffer == null) {
            return;
        }
        if (id != 0 && id != offerId) {
            log.debug("stale subscriber answer room={} identity={} id={} expected={}", room.name(),
                    participant.identity(), id, offerId);
            return;
        }
        try {
            SubscriberAnswerInfo info = SdpNegotiator.parseSubscriberAnswer(sdp, lastOffer);
            mlines.answered(info);
            RemoteTransport r = info.remote();
            if (subRemoteUfrag == null || !subRemoteUfrag.equals(r.iceUfrag())) {
                sub.setRemote(r.iceUfrag(), r.icePwd(), r.fingerprint(), r.iceLite());
                subRemoteUfrag = r.iceUfrag();
                addCandidates(sub, r.candidates());
            }
            long now = System.nanoTime();
            for (DownTrack d : downs.values()) {
                AnsweredMedia am = info.byMid(d.mid);
                if (am != null && am.accepted()) {
                    HeaderExtensionIds ids = am.extensionIds();
                    d.setHeaderExtensions(ids.transportCc(), ids.absSendTime(), ids.audioLevel(),
                            ids.transportCc() > 0 ? subRtcp.bwe.history() : null);
                    if (!d.negotiated) {
                        d.negotiated = true;
                        d.requestKeyframe(now);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("subscriber answer rejected room={} identity={} err={}", room.name(), participant.identity(),
                    e.toString());
        }
        offerInFlight = false;
        if (renegotiate) {
            negotiate();
        }
    }

    /**
     * A resume (livekit-protocol.md 2.8): as LiveKit's Go server (Room.ResumeParticipant calls
     * ParticipantImpl.ICERestart on every resume), the subscriber PC is ICE-restarted whatever the
     * reconnect reason: a resume usually follows a network change, and only we, the offerer of that PC, can
     * restart it (RFC 8445 9; RFC 8839 4.4: an offer with new ice-ufrag/ice-pwd). The restart offer has a new
     * id and supersedes one still awaiting its answer (lost in the dead socket or held back while no socket
     * was attached): an answer to the old id fails the id check in {@link #onSubscriberAnswer}. A
     * negotiation already scheduled becomes the restart offer; one requested while the restart offer is
     * unanswered follows its answer ({@link #negotiate}). A subscriber PC that was never offered (Go: ICE
     * gathering still new) has no ICE session to restart: its first offer carries fresh credentials anyway.
     */
    @Override
    public void onSignalResumed(int reason) {
        if (closed || sub == null || lastOffer == null) {
            return;
        }
        sub.restartLocalIce();
        log.info("subscriber ICE restart after resume room={} identity={} unanswered={} reason={}", room.name(),
                participant.identity(), offerInFlight ? offerId : 0, reason);
        offerInFlight = false;
        negotiate();
    }

    @Override
    public boolean mediaConnected() {
        // a peer connection the browser closed (DTLS close_notify) carries nothing any more
        return active && !closed && ((sub != null && !sub.isClosed()) || (pub != null && !pub.isClosed()));
    }

    @Override
    public void onTrickle(String candidateInit, int target) {
        // ICE-lite: the browser's addresses are learnt from its authenticated connectivity checks
        // (peer-reflexive, RFC 8445 7.3.1.3), so trickled candidates need no action. A full agent
        // also checks them (RFC 8838 11.4). Target: livekit.SignalTarget, 0 publisher, 1 subscriber.
        if (closed || plane.iceLite() || candidateInit == null) {
            return;
        }
        String line = IceCandidates.fromCandidateInit(candidateInit);
        PeerTransport t = target == 0 ? pub : target == 1 ? sub : null;
        if (t != null && line != null) {
            t.addRemoteCandidate(line);
        }
    }

    private void addCandidates(PeerTransport t, List<String> candidates) {
        if (plane.iceLite()) {
            return;
        }
        for (String c : candidates) {
            t.addRemoteCandidate("candidate:" + c);
        }
    }

    @Override
    public void sendRtp(byte[] b, int off, int len, long index) {
        sub.sendRtp(b, off, len, index);
    }

    @Override
    public int touch(int stage) {
        PeerTransport s = sub; // stage 0: reading this field is the read of this object
        return s == null ? 0 : stage == 0 ? 1 : s.touchSend(stage - 1);
    }

    @Override
    public long sendClockNanos(long fallback) {
        return System.nanoTime();
    }

    @Override
    public void onRtcp(PeerTransport t, byte[] b, int off, int len, long nowNanos) {
        if (t == sub) {
            subRtcp.onRtcp(b, off, len, downList, nowNanos, System.currentTimeMillis(), router.scratch);
        } else if (t == pub) {
            onPublisherRtcp(b, off, len, nowNanos);
        }
    }

    /**
     * The publisher's sender reports (RFC 3550 6.4.1): kept for LSR/DLSR in our receiver reports and for the
     * timestamps of a layer switch.
     */
    private void onPublisherRtcp(byte[] b, int off, int len, long nowNanos) {
        rtcpIn.reset(b, off, len);
        while (rtcpIn.next()) {
            int p = rtcpIn.offset();
            if (rtcpIn.type() == Rtcp.SR && SenderReport.isValid(b, p, rtcpIn.contentLength())) {
                int i = indexOfSsrc(SenderReport.ssrc(b, p));
                if (i >= 0) {
                    ssrcTracks[i].onSenderReport(ssrcLayers[i], SenderReport.ntp(b, p),
                            SenderReport.rtpTimestamp(b, p), nowNanos / 1_000_000);
                }
            }
        }
    }

    /**
     * Publisher feedback every {@link PublisherFeedback#TICK_MS} (TWCC, NACK; the receiver report once a
     * second), from the publisher PC's creation on; false (leave the timer) once closed.
     */
    private boolean publisherRtcpTick(long now) {
        if (closed) {
            return false;
        }
        if (pub.isConnected()) {
            pubFeedback.tick(pubRtcpOut, ssrcTracks, ssrcLayers, ssrcCount, now, subscriberRttMs());
        }
        return true;
    }

    /** The same client's round trip as measured on its subscriber PC, or -1 when unknown. */
    private long subscriberRttMs() {
        long rtt = -1;
        for (int i = 0, n = downList.size(); i < n; i++) {
            rtt = Math.max(rtt, downList.get(i).rttMs);
        }
        return rtt;
    }

    private void sendPublisherRtcp(byte[] b, int off, int len) {
        if (pub != null) {
            pub.sendRtcp(b, off, len);
        }
    }

    private void sendSubscriberRtcp(byte[] b, int off, int len) {
        if (sub != null) {
            sub.sendRtcp(b, off, len);
        }
    }

    // ---- common -------------------------------------------------------------------------------

    @Override
    public void onConnected(PeerTransport t) {
        data.onConnected(t, t == sub);
        if (!active && (t == sub || sub == null)) {
            active = true;
            participant.setActive();
        }
    }

    @Override
    public void onApplicationData(PeerTransport t, byte[] b, int off, int len) {
        data.onApplicationData(t, t == sub, b, off, len);
    }

    @Override
    public void onFailed(PeerTransport t, String reason) {
        log.warn("peer connection failed room={} identity={} pc={} reason={}", room.name(),
                participant.identity(), t.name(), reason);
        participant.disconnect(DisconnectReason.CONNECTION_TIMEOUT, true);
    }

    /**
     * UpdateTrackSettings for tracks this participant receives: {@code disabled} (or quality OFF without
     * dimensions) pauses forwarding; width/height, else quality, choose the simulcast layer this
     * subscriber gets ({@link DownTrack#applySettings}).
     */
    @Override
    public void onTrackSettings(List<String> trackSids, boolean disabled, int quality, int width, int height,
                                int fps) {
        for (String sid : trackSids) {
            DownTrack d = downs.get(sid);
            if (d == null) {
                continue;
            }
            d.applySettings(disabled, quality, width, height);
            log.debug("track settings room={} identity={} track={} disabled={} quality={} width={} height={} target={}",
                    room.name(), participant.identity(), sid, d.disabled, quality, width, height, d.targetLayer());
        }
    }

    @Override
    public void onMute(String trackSid, boolean muted) {
        UpTrack up = router.get(trackSid);
        if (up != null) {
            up.setMuted(muted, System.nanoTime());
        }
    }

    @Override
    public void onTrackResized(String trackSid, int width, int height) {
        UpTrack up = router.get(trackSid);
        if (up != null) {
            up.setPublishedSize(width, height);
        }
    }

    @Override
    public void onTrackUnpublished(String trackSid) {
        for (PubMedia pm : pubByMid.values()) {
            if (pm.up != null && pm.up.trackSid.equals(trackSid)) {
                forgetSsrcs(pm.up);
                pm.up = null;
            }
        }
        UpTrack up = router.remove(trackSid);
        if (up != null) {
            up.close(System.nanoTime());
        }
    }

    @Override
    public void sendData(byte[] dataPacket, boolean reliable) {
        data.send(sub, dataPacket, reliable);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true; // the periodic timers drop this session at their next tick
        plane.sessions.decrementAndGet();
        long now = System.nanoTime();
        for (PubMedia pm : pubByMid.values()) {
            if (pm.up != null) {
                router.remove(pm.up.trackSid);
                pm.up.close(now);
            }
        }
        for (DownTrack d : downs.values()) {
            d.up.downs.remove(d);
        }
        downs.clear();
        data.close();
        downList.clear();
        videoDowns = 0;
        if (pub != null) {
            pub.close();
        }
        if (sub != null) {
            sub.close();
        }
    }
}
