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
import java.security.SecureRandom;
import org.jsfu.core.ice.IceAgent;
import org.jsfu.core.ice.IceCandidates;
import org.jsfu.core.ice.IceChecklist;
import org.jsfu.core.ice.IceCredentials;
import org.jsfu.core.ice.IceRole;
import org.jsfu.core.ice.StunMessage;
import org.jsfu.core.srtp.SrtpKeys;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer connection's transport: ICE (answering the browser's checks; as a full agent also
 * checking its candidates and, when controlling, nominating: {@link IceChecklist}), DTLS (always the DTLS
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

    /** Delayed tasks on the owning loop (full ICE paces its checks, RFC 8445 14.2). */
    public interface Timer {
        void schedule(Runnable task, long delayMs);
    }

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
    /** Our ICE credentials; replaced by {@link #restartLocalIce} (loop only). */
    private IceCredentials localIce;
    private final IceAgent ice;
    /** Full ICE only (null in lite mode); local bases are UdpMux.Socket or TcpMux.Connection. */
    private final IceChecklist<Object> checks;
    private final Timer timer;
    private long iceTimerAtMs = Long.MAX_VALUE;
    /** Full ICE: consent checks are polled from {@link #tick} (see {@link #driveConsentFromTick}). */
    private boolean consentByTick;
    /** Full ICE with {@link #consentByTick}: when the checklist has something due ({@link IceChecklist#nextPollMs}). */
    private long iceDueMs = Long.MAX_VALUE;
    private int loggedSelections;
    private final Listener listener;
    private final byte[] stunOut = new byte[512];
    private final byte[] checkOut = new byte[512];
    /**
     * DTLS from the browser before its fingerprint is known (on the subscriber PC the browser's
     * answer can arrive after its first ClientHello: its checks succeed, then it starts DTLS at once,
     * RFC 5763 5); replayed when {@link #setRemote} starts the DTLS server instead of waiting for the
     * browser's retransmission timer.
     */
    private final ArrayDeque<byte[]> earlyDtls = new ArrayDeque<>();
    static final int EARLY_DTLS_LIMIT = 16;
    /** Remote candidates (SDP and trickle) a full-ICE transport checks at most, as LiveKit caps them. */
    static final int MAX_REMOTE_CANDIDATES = 32;
    private int remoteCandidates;
    /** The peer's ufrag the candidate count belongs to: an ICE restart (RFC 8445 9) starts it over. */
    private String candidatesUfrag;
    private long earlyDtlsFirstNanos;

    /** use_srtp preference, the server's pick (RFC 5764 4.1.1); see {@link #preferSrtpProfiles}. */
    private List<SrtpProfile> srtpProfiles = DtlsSession.Options.defaults().srtpProfiles();
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
        this(name, mux, tcp, new LoopInbox(loop), handshakePool, identity, listener, IceRole.lite(), null);
    }

    /**
     * @param inbox the owning loop's inbox (shared by its transports: one drain task per batch of
     *              datagrams for all of them); {@link LoopInbox#executor()} is the loop
     */
    public PeerTransport(String name, UdpMux mux, TcpMux tcp, LoopInbox inbox, Executor handshakePool,
                         DtlsIdentity identity, Listener listener) {
        this(name, mux, tcp, inbox, handshakePool, identity, listener, IceRole.lite(), null);
    }

    /** A transport with its own inbox on {@code loop} (tests and single-PC use). */
    public PeerTransport(String name, UdpMux mux, TcpMux tcp, Executor loop, Executor handshakePool,
                         DtlsIdentity identity, Listener listener, IceRole role, Timer timer) {
        this(name, mux, tcp, new LoopInbox(loop), handshakePool, identity, listener, role, timer);
    }

    /**
     * @param inbox the owning loop's inbox; {@link LoopInbox#executor()} is the loop
     * @param role  {@link IceRole#lite()}, or a full agent's role (controlling on the PC we offer)
     * @param timer schedules on the loop; required for a full agent
     */
    public PeerTransport(String name, UdpMux mux, TcpMux tcp, LoopInbox inbox, Executor handshakePool,
                         DtlsIdentity identity, Listener listener, IceRole role, Timer timer) {
        this(name, mux, tcp, inbox, handshakePool, identity, listener, role, timer, mux.assignPort());
    }

    /**
     * As above, on the port its loop's PCs of this kind share ({@link UdpMux#loopPort}): {@code offerer} for
     * the subscriber PC. The media plane's transports.
     */
    public PeerTransport(String name, UdpMux mux, TcpMux tcp, LoopInbox inbox, Executor handshakePool,
                         DtlsIdentity identity, Listener listener, IceRole role, Timer timer, boolean offerer) {
        this(name, mux, tcp, inbox, handshakePool, identity, listener, role, timer, mux.loopPort(inbox, offerer));
    }

    private PeerTransport(String name, UdpMux mux, TcpMux tcp, LoopInbox inbox, Executor handshakePool,
                          DtlsIdentity identity, Listener listener, IceRole role, Timer timer, int port) {
        if (!role.isLite() && timer == null) throw new IllegalArgumentException("full ICE needs a timer");
        this.name = name;
        this.mux = mux;
        this.tcp = tcp;
        this.port = port;
        this.inbox = inbox;
        this.loop = inbox.executor();
        this.handshakePool = handshakePool;
        this.identity = identity;
        this.localIce = IceCredentials.random();
        this.ice = new IceAgent(localIce, role, null, null, IceAgent.DEFAULT_CONSENT_TIMEOUT_MS);
        this.checks = role.isLite() ? null : new IceChecklist<>(localIce, role, new SecureRandom());
        this.timer = timer;
        this.listener = listener;
        mux.registerUfrag(localIce.ufrag(), this);
        if (tcp != null) {
            tcp.registerUfrag(localIce.ufrag(), this);
        }
    }

    /**
     * The SRTP profiles to choose from, fastest on this machine first (the media plane measures them at
     * start, {@code CryptoWarmUp}); before the DTLS server starts, on the owning loop.
     */
    public PeerTransport preferSrtpProfiles(List<SrtpProfile> inOrder) {
        srtpProfiles = List.copyOf(inOrder);
        return this;
    }

    /** The SRTP profiles the DTLS server chooses from, in order. */
    public List<SrtpProfile> srtpProfiles() {
        return srtpProfiles;
    }

    public IceCredentials localIce() {
        return localIce;
    }

    /**
     * An ICE restart on our side (RFC 8445 9; RFC 8839 4.4): new local ufrag and pwd, which the next SDP
     * we send carries (the answer to a restart offer, or our restart offer). The mux routes checks for the
     * new ufrag here; the old ufrag's route goes (checks signed with the old pwd no longer authenticate).
     * Addresses already bound keep their routes, DTLS and SRTP go on, and the selected pair carries media
     * until the new generation's checks select another. Loop only.
     */
    public IceCredentials restartLocalIce() {
        if (closed) {
            return localIce; // closed (the peer's close_notify, or the session): nothing may route here again
        }
        IceCredentials old = localIce;
        IceCredentials fresh = IceCredentials.random();
        localIce = fresh;
        mux.registerUfrag(fresh.ufrag(), this);
        if (tcp != null) {
            tcp.registerUfrag(fresh.ufrag(), this);
        }
        ice.setLocalCredentials(fresh);
        if (checks != null) {
            checks.setLocalCredentials(fresh);
        }
        mux.forgetUfrag(old.ufrag(), this);
        if (tcp != null) {
            tcp.forgetUfrag(old.ufrag(), this);
        }
        log.info("ice local credentials restarted pc={}", name);
        return fresh;
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

    /** Whether this transport was closed (by its session, or by the peer's DTLS close_notify); loop only. */
    public boolean isClosed() {
        return closed;
    }

    public String name() {
        return name;
    }

    /**
     * Sets the browser's ICE credentials and DTLS fingerprint from its SDP and starts the DTLS
     * server. Later calls with the same fingerprint only update the ICE credentials (ICE restart).
     */
    public void setRemote(String ufrag, String pwd, String fingerprintSha256) {
        setRemote(ufrag, pwd, fingerprintSha256, false);
    }

    /** @param remoteLite the peer's SDP carried a=ice-lite: a full agent then controls (RFC 8445 6.1.1) */
    public void setRemote(String ufrag, String pwd, String fingerprintSha256, boolean remoteLite) {
        if (remoteLite) {
            ice.role().peerIsLite();
        }
        ice.setRemoteCredentials(ufrag, pwd);
        if (checks != null) {
            if (ufrag != null && !ufrag.equals(candidatesUfrag)) {
                if (candidatesUfrag != null) {
                    remoteCandidates = 0;
                }
                candidatesUfrag = ufrag;
            }
            checks.setRemoteCredentials(ufrag, pwd);
            armIce(System.nanoTime() / 1_000_000);
        }
        if (dtls == null) {
            dtls = new DtlsSession(identity, false, fingerprintSha256, new DtlsGlue(), handshakePool,
                    DtlsSession.Options.defaults().withSrtpProfiles(srtpProfiles));
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
        if (checks != null && (b[off] & 0x01) == 0x01) { // RFC 5389 6: class bits: a success/error response
            onCheckResponse(b, off, len, via, nowNanos / 1_000_000);
            return;
        }
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
        remember(from, via);
        if (checks != null) {
            Object base = base(via);
            // RFC 8445 7.3.1.3-7.3.1.5: peer-reflexive candidate, triggered check, nomination
            checks.onRequest(base, from, localPriority(base), ice.lastCheckPriority(), ice.lastCheckNominated(),
                    nowNanos / 1_000_000);
        }
        updatePath(via);
        // The route is settled before the response, so the peer's next packets (DTLS) are answered
        // on it; the response leaves by the path the check came in on (RFC 8445 7.3.1.3).
        via.send(stunOut, 0, n);
        if (checks != null) {
            runChecks(nowNanos / 1_000_000);
        }
    }

    /** Full ICE: a response to one of our checks (routed here by UdpMux's transaction routes). */
    private void onCheckResponse(byte[] b, int off, int len, PacketPath via, long nowMs) {
        StunMessage m = StunMessage.parse(b, off, len);
        Object base = base(via);
        if (m == null || !checks.onResponse(m, base, via.remote(), nowMs)) {
            return; // unknown transaction or bad integrity: dropped without state
        }
        if (checks.isValid(base, via.remote())) {
            remember(via.remote(), via);
            updatePath(via);
        }
        runChecks(nowMs);
    }

    private void remember(InetSocketAddress from, PacketPath via) {
        PacketPath known = paths.put(from, via);
        if (known != via && known instanceof TcpMux.Connection old && old != path) {
            old.close();
        }

        if (via instanceof UdpMux.UdpPath u) {
            u.bind();
        }
    }

    /**
     * Lite: the pair the browser nominated (latest wins), else the first validated one. Full: the
     * pair the checklist selected (RFC 8445 8.1.1 / 7.3.1.5), else (controlled) the pair the peer
     * nominated, else the first validated one.
     */
    private void updatePath(PacketPath via) {
        PacketPath next;
        boolean nominated;
        if (checks != null) {
            Object base = checks.selectedLocal();
            nominated = base != null;
            if (checks.selectionChanges() != loggedSelections) {
                loggedSelections = checks.selectionChanges();
                log.info("ice selected pc={} addr={} controlling={} roleSwitches={}", name, checks.selectedRemote(),
                        checks.role().isControlling(), checks.role().switches());
            }
            InetSocketAddress peerChoice = checks.role().isControlling() ? null : ice.selectedAddress();
            if (nominated) {
                next = pathFor(base, checks.selectedRemote(), true);
            } else if (peerChoice != null && paths.get(peerChoice) != null) {
                // controlled: until our own check on the nominated pair succeeds, follow the
                // peer's nomination (its check on that pair authenticated, as in lite mode)
                next = paths.get(peerChoice);
                nominated = true;
            } else {
                next = path == null ? via : path;
            }
        } else {
            InetSocketAddress selected = ice.selectedAddress();
            nominated = selected != null;
            next = nominated ? paths.get(selected) : (path == null ? via : path);
        }
        if (next != null && next != path) {
            log.info("ice path pc={} proto={} addr={} nominated={} full={}", name, next.protocol(), next.remote(),
                    nominated, checks != null);
            path = next;
        }
    }

    private static Object base(PacketPath via) {
        return via instanceof UdpMux.UdpPath u ? u.socket : via;
    }

    /** The path for a pair; UDP paths of validated pairs are remembered (and bound), others are transient. */
    private PacketPath pathFor(Object base, InetSocketAddress remote, boolean validated) {
        if (base instanceof TcpMux.Connection c) {
            return c;
        }
        UdpMux.Socket sock = (UdpMux.Socket) base;
        PacketPath known = paths.get(remote);
        if (known instanceof UdpMux.UdpPath u && u.socket == sock) {
            return known;
        }
        UdpMux.UdpPath p = new UdpMux.UdpPath(sock, remote, this);
        if (validated) {
            remember(remote, p);
        }
        return p;
    }

    /** RFC 8445 5.1.2.1: our host candidate's priority on this base (UDP above passive TCP). */
    private static long localPriority(Object base) {
        return base instanceof TcpMux.Connection
                ? IceCandidates.priority(IceCandidates.TYPE_PREF_HOST, (4 << 13) + 8191, 1)
                : IceCandidates.priority(IceCandidates.TYPE_PREF_HOST, 65535, 1);
    }

    /**
     * Full ICE: a remote candidate line from the peer's SDP or trickle (RFC 8839 5.1). Only UDP
     * candidates with an IP literal are checked: mDNS names are not resolved (the browser's checks
     * reveal its address as a peer-reflexive candidate, RFC 8445 7.3.1.3) and TCP is served
     * passively (the browser connects, RFC 6544). Returns how many pairs were added. On the loop.
     */
    public int addRemoteCandidate(String line) {
        IceCandidates.Candidate c = IceCandidates.parse(line);
        if (checks == null || closed || c == null || c.component() != 1 || !"udp".equals(c.protocol())) {
            return 0;
        }
        InetSocketAddress remote = c.socketAddress();
        if (remote.isUnresolved() || remote.getPort() == 0 || remoteCandidates >= MAX_REMOTE_CANDIDATES) {
            return 0;
        }
        int added = 0;
        for (UdpMux.Socket sock : mux.sockets()) {
            java.net.InetAddress l = sock.localAddress();
            int localScope = l == null || l.isAnyLocalAddress() ? SCOPE_ROUTABLE : scope(l);
            if (sock.port() != port || l != null && l.getClass() != remote.getAddress().getClass()
                    || scope(remote.getAddress()) != localScope) {
                continue;
            }
            if (checks.addCandidate(sock, remote, localPriority(sock), c.priority())) {
                added++;
            }
        }
        if (added > 0) {
            remoteCandidates++;
        }
        armIce(System.nanoTime() / 1_000_000);
        return added;
    }

    private static final int SCOPE_ROUTABLE = 0;

    /**
     * Which kind of address: a remote candidate is checked only from a socket of the same kind, so a
     * trickled loopback, link-local, unspecified, multicast or broadcast address gets no STUN from us
     * (RFC 8445 5.1.1.1 never gathers such host candidates; sending checks there would let a peer aim
     * our traffic at this host's or its LAN's services) unless our socket is itself bound to one
     * (a node on 127.0.0.1 in dev mode). A wildcard socket (dual-stack, or 0.0.0.0) counts as routable.
     */
    private static int scope(java.net.InetAddress a) {
        if (a.isLoopbackAddress()) return 1;
        if (a.isLinkLocalAddress()) return 2;
        if (a.isAnyLocalAddress()) return 3;
        if (a.isMulticastAddress()) return 4;
        byte[] b = a.getAddress();
        if (b.length == 4 && (b[0] & b[1] & b[2] & b[3]) == -1) return 5; // 255.255.255.255, RFC 919
        return SCOPE_ROUTABLE;
    }

    /** Sends every check the checklist has due, then re-arms the timer. On the loop. */
    private void runChecks(long nowMs) {
        if (closed) {
            return;
        }
        for (int n; (n = checks.poll(nowMs, checkOut)) > 0; ) {
            Object base = checks.polledLocal();
            InetSocketAddress remote = checks.polledRemote();
            PacketPath p = pathFor(base, remote, false);
            if (p instanceof UdpMux.UdpPath && paths.get(remote) != p) {
                // not bound to this address yet: the response can only be routed by transaction id
                mux.expectResponse(checks.polledTransactionId(), this);
            }
            p.send(checkOut, 0, n);
        }
        if (path != null) {
            updatePath(path);
        }
        armIce(nowMs);
    }

    private void armIce(long nowMs) {
        if (checks == null || closed) {
            return;
        }
        long next;
        if (consentByTick) {
            iceDueMs = checks.nextPollMs(nowMs);
            next = checks.nextUrgentPollMs(nowMs); // consent waits for the tick
        } else {
            next = checks.nextPollMs(nowMs);
        }
        if (next == Long.MAX_VALUE || next >= iceTimerAtMs) {
            return;
        }
        iceTimerAtMs = next;
        timer.schedule(this::onIceTimer, Math.max(1, next - nowMs));
    }

    private void onIceTimer() {
        iceTimerAtMs = Long.MAX_VALUE;
        runChecks(System.nanoTime() / 1_000_000);
    }

    /** Validated paths remembered; for tests. On the loop. */
    int pathCount() {
        return paths.size();
    }

    /** Full ICE state for tests; null in lite mode. On the loop. */
    IceChecklist<Object> checklist() {
        return checks;
    }

    /** DTLS datagrams held until the remote fingerprint is known. On the loop; for tests. */
    int earlyDtlsQueued() {
        return earlyDtls.size();
    }

    /** SSRCs the receiving SRTP session holds state for (bounded); 0 before DTLS. On the loop; for tests and metrics. */
    public int srtpReceiveStreams() {
        SrtpSession r = srtpRecv;
        return r == null ? 0 : r.rtpStreamCount();
    }

    /** True once DTLS installed SRTP keys (either direction). On the loop; for tests. */
    boolean srtpKeysInstalled() {
        return srtpSend != null || srtpRecv != null;
    }

    /** The inbox (and send batches) of this transport's loop; for tests. */
    LoopInbox inbox() {
        return inbox;
    }

    /** The UDP socket (local address) media leaves from; null before a check or on TCP. For tests. */
    UdpMux.Socket routeSocket() {
        return path instanceof UdpMux.UdpPath u ? u.socket : null;
    }

    /**
     * On the loop: reads (only) the state {@link #sendRtp} will read, for a fan-out's first passes
     * ({@code DownTrack.touch}): this object at stage 0, then one level of references deeper per stage
     * (the SRTP session and the path, then what {@link SrtpSession#touch(int)} reads); returns a value
     * derived from the reads so the JIT keeps them.
     */
    public int touchSend(int stage) {
        SrtpSession s = srtpSend;
        PacketPath to = path; // stage 0: these two reads are the read of this object
        if (s == null || stage == 0) {
            return to == null ? 0 : 1;
        }
        return s.touch(stage - 1) + (stage == 1 && to instanceof UdpMux.UdpPath u ? u.port : 0);
    }

    /**
     * On the loop: encrypts in place ({@code b} needs {@link #TAG_ROOM} spare bytes) with the packet's SRTP
     * index (RFC 3711 3.3.1, known to a forwarder: its extended output sequence number) and sends.
     */
    public void sendRtp(byte[] b, int off, int len, long index) {
        PacketPath to = path;
        if (srtpSend == null || to == null) {
            return;
        }
        int n = srtpSend.protectRtp(b, off, len, index);
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
            u.send(b, off, len, inbox.batchOrNull(), inbox.mmsgOrNull());
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

    /**
     * Full ICE: our consent checks (RFC 7675 5.1, every 4-6 s on the selected pair) are sent from
     * {@link #tick}, called every {@code tickMs} on the loop, instead of from a timer task of this
     * transport's own: with hundreds of PCs on a loop those were a timer and a loop wake-up each per check
     * (and one more for the check's expiry). Connectivity checks and their retransmissions keep their
     * timer (RFC 8445 14 pacing). The consent interval is drawn 1.1 {@code tickMs} shorter so a check sent up
     * to one (late) tick after it was due keeps the RFC's spacing. Call once, before the remote description; no-op in lite mode.
     */
    public void driveConsentFromTick(long tickMs) {
        if (checks != null) {
            checks.setConsentSlackMs(tickMs + tickMs / 10); // a tick, and a shared timer's lateness
            consentByTick = true;
        }
    }

    /**
     * On the loop, periodically: full ICE consent checks when {@link #driveConsentFromTick} and one is due;
     * ICE consent (RFC 7675): no checks for 30 s means the peer is gone.
     */
    public void tick(long nowNanos) {
        if (closed) {
            return;
        }
        long nowMs = nowNanos / 1_000_000;
        if (consentByTick && iceDueMs <= nowMs) {
            runChecks(nowMs);
        }
        if (!connected) {
            return;
        }
        ice.expire(nowMs, checks == null ? null : checks.selectedRemote());
        prunePaths();
        // Before a pair is selected (DTLS may complete first), consent is judged on the latest check
        // from any validated address. Full agent: RFC 7675 responses to our consent checks.
        boolean alive;
        if (checks != null && checks.selectedLocal() != null) {
            alive = checks.consentAlive(nowMs);
        } else if (checks == null && ice.selectedAddress() != null) {
            alive = ice.isAlive(nowMs);
        } else {
            alive = nowMs - ice.lastCheckMs() <= ice.consentTimeoutMs();
        }
        if (!alive) {
            listener.onFailed(this, "ice consent expired");
        }
    }

    /** Forgets paths whose pair ICE dropped (closing their TCP connections), keeping the current one. */
    void prunePaths() {
        if (paths.size() == 1 && path != null && paths.get(path.remote()) == path) {
            return; // the usual state: only the current path, which is kept (no iterator per tick)
        }
        for (var it = paths.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue() != path && !ice.isValid(e.getKey())
                    && (checks == null || !checks.isValid(base(e.getValue()), e.getKey()))) {
                it.remove();
                if (e.getValue() instanceof TcpMux.Connection c) {
                    c.close();
                } else if (e.getValue() instanceof UdpMux.UdpPath u) {
                    u.unbind(); // UdpMux routes only the addresses this transport still uses
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
            loop.execute(() -> {
                paths.values().removeIf(v -> v == p);
                if (checks != null) {
                    checks.removeBase(p);
                }
            });
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
