package org.jsfu.core.transport;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.dtls.DtlsSession;
import org.jsfu.core.ice.IceAgent;
import org.jsfu.core.ice.IceCredentials;
import org.jsfu.core.srtp.SrtpKeys;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer connection's transport: ICE (answering the browser's checks), DTLS (always the DTLS
 * server: we answer publisher offers with setup:passive and offer actpass on the subscriber PC, which
 * Chrome answers with active), SRTP/SRTCP. Everything but {@link #post} runs on the owning loop.
 *
 * <p>Packets arrive and leave on {@link PacketPath}s: UDP (socket + browser address) or ICE-TCP
 * connections ({@link TcpMux}). Each validated pair's path is remembered; the nominated one (or,
 * before nomination, the first validated one) carries DTLS and media.
 */
public final class PeerTransport {
    private static final Logger log = LoggerFactory.getLogger(PeerTransport.class);
    /** Room after a packet for the SRTP auth tag (up to 16 bytes) and the SRTCP index (4). */
    public static final int TAG_ROOM = 20;
    /**
     * AES_CM_128_HMAC_SHA1_80 first: our allocation-free AES-CM path is faster than our GCM (see
     * BENCHMARKS.md, SRTP); the browser offers both (RFC 5764 4.1.2: the server picks).
     */
    private static final DtlsSession.Options DTLS_OPTIONS = DtlsSession.Options.defaults()
            .withSrtpProfiles(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM));

    /** What the transport reports to its owner, on the owner's loop. */
    public interface Listener {
        void onConnected(PeerTransport t);

        /** A decrypted RTP packet; the buffer is lent for the duration of the call. */
        void onRtp(PeerTransport t, byte[] b, int off, int len, long nowNanos);

        /** A decrypted RTCP compound packet; lent for the duration of the call. */
        void onRtcp(PeerTransport t, byte[] b, int off, int len, long nowNanos);

        /** DTLS application data (SCTP); lent for the duration of the call. */
        void onApplicationData(PeerTransport t, byte[] b, int off, int len);

        void onFailed(PeerTransport t, String reason);
    }

    private final String name;
    private final UdpMux mux;
    private final TcpMux tcp;
    private final int port;
    private final Executor loop;
    private final LoopInbox inbox;
    private final Executor handshakePool;
    private final DtlsIdentity identity;
    private final IceCredentials localIce;
    private final IceAgent ice;
    private final Listener listener;
    private final byte[] stunOut = new byte[512];
    /**
     * DTLS from the browser before its fingerprint is known (on the subscriber PC the browser's
     * answer can arrive after its first ClientHello: its checks succeed, then it starts DTLS at once,
     * RFC 5763 5); replayed when {@link #setRemote} starts the DTLS server instead of waiting for the
     * browser's retransmission timer.
     */
    private final ArrayDeque<byte[]> earlyDtls = new ArrayDeque<>();
    static final int EARLY_DTLS_LIMIT = 16;
    private long earlyDtlsFirstNanos;

    private DtlsSession dtls;
    private SrtpSession srtpSend;
    private SrtpSession srtpRecv;
    /** Validated pairs by browser address (at most IceAgent's bound; pruned with it). */
    private final Map<InetSocketAddress, PacketPath> paths = new HashMap<>();
    private volatile PacketPath path;
    private boolean connected;
    private boolean closed;
    private long lastStunNanos;

    public PeerTransport(String name, UdpMux mux, Executor loop, Executor handshakePool,
                         DtlsIdentity identity, Listener listener) {
        this(name, mux, null, loop, handshakePool, identity, listener);
    }

    /** @param tcp the ICE-TCP listener, or null when rtc.tcp_port is off */
    public PeerTransport(String name, UdpMux mux, TcpMux tcp, Executor loop, Executor handshakePool,
                         DtlsIdentity identity, Listener listener) {
        this(name, mux, tcp, new LoopInbox(loop), handshakePool, identity, listener);
    }

    /**
     * @param inbox the owning loop's inbox (shared by its transports: one drain task per batch of
     *              datagrams for all of them); {@link LoopInbox#executor()} is the loop
     */
    public PeerTransport(String name, UdpMux mux, TcpMux tcp, LoopInbox inbox, Executor handshakePool,
                         DtlsIdentity identity, Listener listener) {
        this.name = name;
        this.mux = mux;
        this.tcp = tcp;
        this.port = mux.assignPort();
        this.inbox = inbox;
        this.loop = inbox.executor();
        this.handshakePool = handshakePool;
        this.identity = identity;
        this.localIce = IceCredentials.random();
        this.ice = new IceAgent(localIce, null, null);
        this.listener = listener;
        mux.registerUfrag(localIce.ufrag(), this);
        if (tcp != null) {
            tcp.registerUfrag(localIce.ufrag(), this);
        }
    }

    public IceCredentials localIce() {
        return localIce;
    }

    public int localPort() {
        return port;
    }

    /** The path DTLS and media currently use, or null before the first valid check. */
    public PacketPath path() {
        return path;
    }

    public String fingerprint() {
        return identity.fingerprintSha256();
    }

    public boolean isConnected() {
        return connected;
    }

    public String name() {
        return name;
    }

    /**
     * Sets the browser's ICE credentials and DTLS fingerprint from its SDP and starts the DTLS
     * server. Later calls with the same fingerprint only update the ICE credentials (ICE restart).
     */
    public void setRemote(String ufrag, String pwd, String fingerprintSha256) {
        ice.setRemoteCredentials(ufrag, pwd);
        if (dtls == null) {
            dtls = new DtlsSession(identity, false, fingerprintSha256, new DtlsGlue(), handshakePool, DTLS_OPTIONS);
            dtls.start();
            if (!earlyDtls.isEmpty()) {
                log.debug("dtls replaying early datagrams pc={} n={} heldMs={}", name, earlyDtls.size(),
                        (System.nanoTime() - earlyDtlsFirstNanos) / 1_000_000);
            }
            for (byte[] d; (d = earlyDtls.poll()) != null; ) {
                dtls.receive(d, 0, d.length);
            }
        }
    }

    /** The receive buffers of this transport's UDP mux. */
    ReceivePool pool() {
        return mux.pool();
    }

    /**
     * The UDP receive thread: hands a pooled datagram (path, length and time set) to the loop, which
     * returns it to {@link #pool()} after {@link #onDatagram}.
     */
    void enqueue(ReceivedDatagram d) {
        d.transport = this;
        inbox.offer(d, mux.pool());
    }

    /** Any thread (ICE-TCP frames): copies the datagram and hands it to the loop. */
    void post(byte[] b, int off, int len, PacketPath via) {
        byte[] copy = new byte[len + TAG_ROOM];
        System.arraycopy(b, off, copy, 0, len);
        long now = System.nanoTime();
        loop.execute(() -> onDatagram(copy, 0, len, via, now));
    }

    /** On the loop. Exposed for tests that drive the transport without sockets. */
    void onDatagram(byte[] b, int off, int len, PacketPath via, long nowNanos) {
        if (closed) {
            return;
        }
        switch (PacketClass.of(b, off, len)) {
            case STUN -> onStun(b, off, len, via, nowNanos);
            case DTLS -> {
                if (dtls != null) {
                    dtls.receive(b, off, len);
                } else if (earlyDtls.size() < EARLY_DTLS_LIMIT && ice.isValid(via.remote())) {
                    if (earlyDtls.isEmpty()) {
                        earlyDtlsFirstNanos = nowNanos;
                    }
                    earlyDtls.add(Arrays.copyOfRange(b, off, off + len));
                }
            }
            case RTP -> {
                if (srtpRecv != null) {
                    int n = srtpRecv.unprotectRtp(b, off, len);
                    if (n > 0) {
                        listener.onRtp(this, b, off, n, nowNanos);
                    }
                }
            }
            case RTCP -> {
                if (srtpRecv != null) {
                    int n = srtpRecv.unprotectRtcp(b, off, len);
                    if (n > 0) {
                        listener.onRtcp(this, b, off, n, nowNanos);
                    }
                }
            }
            default -> { }
        }
    }

    private void onStun(byte[] b, int off, int len, PacketPath via, long nowNanos) {
        InetSocketAddress from = via.remote();
        TcpMux.Connection conn = via instanceof TcpMux.Connection c ? c : null;
        int n = ice.handleStun(b, off, len, from, nowNanos / 1_000_000, stunOut);
        if (n <= 0) {
            if (conn != null && !conn.validated) {
                conn.close(); // its first check did not authenticate (RFC 8445 7.3): not our peer
            }
            return;
        }
        lastStunNanos = nowNanos;
        boolean valid = ice.isValid(from); // false after a 487 Role Conflict answer
        if (conn != null && valid) {
            conn.validated = true; // before the response: the browser's next frames may be DTLS
        }
        if (!valid) {
            via.send(stunOut, 0, n);
            return;
        }
        PacketPath known = paths.put(from, via);
        if (known != via && known instanceof TcpMux.Connection old && old != path) {
            old.close();
        }
        if (via instanceof UdpMux.UdpPath u) {
            u.bind();
        }
        InetSocketAddress selected = ice.selectedAddress();
        PacketPath next = selected != null ? paths.get(selected) : (path == null ? via : path);
        if (next != null && next != path) {
            log.info("ice path pc={} proto={} addr={} nominated={}", name, next.protocol(), next.remote(),
                    selected != null);
            path = next;
        }
        // The route is settled before the response, so the peer's next packets (DTLS) are answered
        // on it; the response leaves by the path the check came in on (RFC 8445 7.3.1.3).
        via.send(stunOut, 0, n);
    }

    /** DTLS datagrams held until the remote fingerprint is known. On the loop; for tests. */
    int earlyDtlsQueued() {
        return earlyDtls.size();
    }

    /** The UDP socket (local address) media leaves from; null before a check or on TCP. For tests. */
    UdpMux.Socket routeSocket() {
        return path instanceof UdpMux.UdpPath u ? u.socket : null;
    }

    /** On the loop: encrypts in place ({@code b} needs {@link #TAG_ROOM} spare bytes) and sends. */
    public void sendRtp(byte[] b, int off, int len) {
        PacketPath to = path;
        if (srtpSend == null || to == null) {
            return;
        }
        int n = srtpSend.protectRtp(b, off, len);
        if (n > 0) {
            sendOnLoop(to, b, off, n);
        }
    }

    /** On the loop: encrypts in place and sends an RTCP compound packet. */
    public void sendRtcp(byte[] b, int off, int len) {
        PacketPath to = path;
        if (srtpSend == null || to == null) {
            return;
        }
        int n = srtpSend.protectRtcp(b, off, len);
        if (n > 0) {
            sendOnLoop(to, b, off, n);
        }
    }

    /** On the loop: batched with the loop's other sends while it drains its inbox (epoll sockets), else now. */
    private void sendOnLoop(PacketPath to, byte[] b, int off, int len) {
        if (to instanceof UdpMux.UdpPath u) {
            u.send(b, off, len, inbox.batchOrNull());
        } else {
            to.send(b, off, len);
        }
    }

    /** Sends SCTP over DTLS. */
    public void sendApplicationData(byte[] b, int off, int len) {
        if (dtls != null && connected) {
            dtls.sendApplicationData(b, off, len);
        }
    }

    /** On the loop, periodically: ICE consent (RFC 7675): no checks for 30 s means the peer is gone. */
    public void tick(long nowNanos) {
        if (closed || !connected) {
            return;
        }
        long nowMs = nowNanos / 1_000_000;
        ice.expire(nowMs);
        prunePaths();
        // Before the browser nominates a pair (DTLS may complete first), consent is judged on the
        // latest check from any validated address.
        boolean alive = ice.selectedAddress() != null
                ? ice.isAlive(nowMs)
                : nowMs - ice.lastCheckMs() <= ice.consentTimeoutMs();
        if (!alive) {
            listener.onFailed(this, "ice consent expired");
        }
    }

    /** Forgets paths whose pair ICE dropped (closing their TCP connections), keeping the current one. */
    private void prunePaths() {
        for (var it = paths.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue() != path && !ice.isValid(e.getKey())) {
                it.remove();
                if (e.getValue() instanceof TcpMux.Connection c) {
                    c.close();
                }
            }
        }
    }

    /** Any thread: a TCP connection of ours was closed; its pair is gone. */
    void onPathClosedAnyThread(PacketPath p) {
        if (closed) {
            return;
        }
        try {
            loop.execute(() -> paths.values().removeIf(v -> v == p));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the loop is gone: so is this transport
        }
    }

    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        earlyDtls.clear();
        mux.unregister(localIce.ufrag(), this);
        if (tcp != null) {
            tcp.unregister(localIce.ufrag(), this);
        }
        if (dtls != null) {
            dtls.close();
        }
    }

    /** DTLS callbacks arrive on handshake/receive threads; state changes are posted to the loop. */
    private final class DtlsGlue implements DtlsSession.Listener {
        @Override
        public void sendDatagram(byte[] b, int off, int len) {
            PacketPath to = path;
            if (to != null) {
                to.send(b, off, len);
            }
        }

        @Override
        public void onConnected(SrtpProfile profile, byte[] keyingMaterial) {
            loop.execute(() -> {
                if (closed) {
                    return;
                }
                SrtpKeys keys = SrtpKeys.fromKeyingMaterial(profile, keyingMaterial, false);
                srtpSend = SrtpSession.sender(profile, keys.localKey(), keys.localSalt());
                srtpRecv = SrtpSession.receiver(profile, keys.remoteKey(), keys.remoteSalt());
                connected = true;
                PacketPath p = path;
                log.info("pc connected pc={} profile={} proto={} remote={}", name, profile,
                        p == null ? null : p.protocol(), p == null ? null : p.remote());
                listener.onConnected(PeerTransport.this);
            });
        }

        @Override
        public void onApplicationData(byte[] b, int off, int len) {
            byte[] copy = Arrays.copyOfRange(b, off, off + len);
            loop.execute(() -> {
                if (!closed) {
                    listener.onApplicationData(PeerTransport.this, copy, 0, copy.length);
                }
            });
        }

        @Override
        public void onFailed(String reason, Throwable cause) {
            loop.execute(() -> {
                if (closed) {
                    return;
                }
                if (reason != null && reason.contains("close_notify")) {
                    // The browser closed this peer connection (it is leaving or renegotiating from
                    // scratch); the signalling connection decides whether the participant leaves.
                    log.info("pc closed by peer pc={}", name);
                    close();
                    return;
                }
                log.warn("dtls failed pc={} reason={}", name, reason);
                listener.onFailed(PeerTransport.this, "dtls: " + reason);
            });
        }
    }
}
