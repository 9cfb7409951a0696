package org.jsfu.bench.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import org.jsfu.core.dtls.DtlsSession;
import org.jsfu.core.ice.IceAgent;
import org.jsfu.core.ice.IceCredentials;
import org.jsfu.core.ice.IceRole;
import org.jsfu.core.ice.StunMessage;
import org.jsfu.core.rtp.RtpPacket;
import org.jsfu.core.srtp.SrtpKeys;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one peer connection, as a browser runs it: an ICE agent that checks the
 * server's host candidate. Controlling (against an ICE-lite server, or on the PC it offers) it
 * nominates with USE-CANDIDATE on every check (RFC 8445 7.2.5); controlled (answering a full
 * server's offer, RFC 8445 6.1.1) it sends ICE-CONTROLLED checks. It answers the server's own checks
 * (a full server checks back and nominates) and switches role on 487 (RFC 8445 7.2.5.1); then the DTLS client (RFC 5763: the answerer of a
 * server offer is active; our own offers get setup:passive back), then SRTP keyed by the RFC 5764
 * exporter. One UDP channel per peer connection.
 */
public final class ClientPeer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientPeer.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** RFC 8445 7.2.5.1: checks are paced; ours repeat every 50 ms until answered. */
    private static final long CHECK_INTERVAL_MS = 50;
    /** RFC 7675 consent: the server gives up after 30 s without checks; Chrome sends one about every 5 s. */
    private static final long CONSENT_INTERVAL_MS = 2_500;

    /** Receives decrypted RTP on the UDP thread; the packet view is lent for the call. */
    public interface RtpSink {
        void onRtp(RtpPacket p, int srtpLength, long nowNanos);
    }

    private final String name;
    private final ClientContext ctx;
    private final IceCredentials local = IceCredentials.random();
    private final long tieBreaker = RANDOM.nextLong();
    private final byte[] stunBuf = new byte[512];
    private final RtpPacket rtpView = new RtpPacket();
    private final CompletableFuture<SrtpProfile> connected = new CompletableFuture<>();
    private final AtomicLong srtpFailures = new AtomicLong();
    private final AtomicLong rtcpPackets = new AtomicLong();
    volatile DatagramChannel channel;
    private volatile RtpSink sink;
    private volatile InetSocketAddress server;
    private volatile Mac serverMac;
    /** Role shared with the responder; both guarded by this. */
    private IceRole role;
    private IceAgent responder;
    private final byte[] stunOut = new byte[512];
    private String remoteUfrag;
    private String remoteFingerprint;
    private volatile byte[] pendingTid;
    private volatile boolean iceDone;
    private DtlsSession dtls;
    private SrtpSession sender;
    private volatile SrtpSession receiver;
    private ScheduledFuture<?> checks;
    private volatile boolean closed;

    ClientPeer(String name, ClientContext ctx, InetAddress bindAddress) throws IOException {
        this.name = name;
        this.ctx = ctx;
        ctx.io.open(this, new InetSocketAddress(bindAddress, 0));
    }

    public IceCredentials localIce() {
        return local;
    }

    public String fingerprint() {
        return ctx.identity.fingerprintSha256();
    }

    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** The server's candidate address chosen from its SDP (null before {@link #start}). */
    public InetSocketAddress serverAddress() {
        return server;
    }

    /** The server's ICE ufrag for this PC (null before its SDP arrived). */
    public synchronized String remoteUfrag() {
        return remoteUfrag;
    }

    void sink(RtpSink s) {
        this.sink = s;
    }

    /** Completes with the SRTP profile once ICE and DTLS are up; fails on a DTLS failure. */
    public CompletableFuture<SrtpProfile> connected() {
        return connected;
    }

    public boolean isConnected() {
        return connected.isDone() && !connected.isCompletedExceptionally();
    }

    public long srtpFailures() {
        return srtpFailures.get();
    }

    public long rtcpPackets() {
        return rtcpPackets.get();
    }

    /**
     * Starts (or, with new credentials, restarts) connectivity checks to {@code serverCandidate}
     * with the server's ICE credentials, then the DTLS client pinned to {@code serverFingerprint}.
     */
    synchronized void start(InetSocketAddress serverCandidate, String ufrag, String pwd, String serverFingerprint) {
        start(serverCandidate, ufrag, pwd, serverFingerprint, true);
    }

    /**
     * @param controlling the initial ICE role: true against an ICE-lite server or when this client
     *                    offered; false when answering a full server's offer (RFC 8445 6.1.1)
     */
    synchronized void start(InetSocketAddress serverCandidate, String ufrag, String pwd, String serverFingerprint,
                            boolean controlling) {
        if (closed) {
            return;
        }
        if (remoteUfrag != null && remoteUfrag.equals(ufrag) && serverCandidate.equals(server)) {
            return; // same remote: a renegotiation, not an ICE restart
        }
        this.server = serverCandidate;
        this.remoteUfrag = ufrag;
        this.serverMac = StunMessage.hmacSha1(StunMessage.shortTermKey(pwd));
        this.role = IceRole.full(controlling, tieBreaker);
        this.responder = new IceAgent(local, role, ufrag, pwd, IceAgent.DEFAULT_CONSENT_TIMEOUT_MS);
        if (remoteFingerprint == null) {
            remoteFingerprint = serverFingerprint;
        }
        if (checks != null) {
            checks.cancel(false);
        }
        iceDone = false;
        checks = ctx.timers.scheduleWithFixedDelay(this::tickIce, 0, CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private void tickIce() {
        if (closed) {
            return;
        }
        if (iceDone && pendingTid == null) {
            // consent freshness: one check per CONSENT_INTERVAL_MS after success
            long sinceLast = System.nanoTime() - lastCheckNanos;
            if (sinceLast < CONSENT_INTERVAL_MS * 1_000_000L) {
                return;
            }
        }
        sendCheck();
    }

    private volatile long lastCheckNanos;
    private volatile boolean pendingControlling;

    /** RFC 8445 7.2.4 / 7.2.5.1: a Binding request with USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE. */
    private synchronized void sendCheck() {
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        StunMessage req = new StunMessage(StunMessage.BINDING_REQUEST, tid)
                .username(remoteUfrag + ":" + local.ufrag())
                .priority((110L << 24) | (65535L << 8) | 255); // RFC 8445 5.1.2.1 prflx type preference
        boolean c = role.isControlling();
        if (c) {
            req.iceControlling(tieBreaker).useCandidate(true);
        } else {
            req.iceControlled(tieBreaker);
        }
        int n = req.encode(stunBuf, 0, serverMac, true);
        pendingTid = tid;
        pendingControlling = c;
        lastCheckNanos = System.nanoTime();
        send(stunBuf, 0, n);
    }

    /** UDP thread. Returns false when the datagram is not ours to use (dropped). */
    boolean onDatagram(byte[] b, int len, InetSocketAddress from, long nowNanos) {
        if (closed || len < 1 || !from.equals(server)) {
            return false;
        }
        int first = b[0] & 0xFF;
        if (first <= 3) {                       // RFC 7983 7: STUN
            return onStun(b, len);
        }
        if (first >= 20 && first <= 63) {       // DTLS
            DtlsSession d = dtls;
            if (d == null) {
                return false;
            }
            d.receive(b, 0, len);
            return true;
        }
        if (first >= 128 && first <= 191 && len >= 12) {
            SrtpSession r = receiver;
            if (r == null) {
                return false;
            }
            int pt = b[1] & 0xFF;
            if (pt >= 192 && pt <= 223) {       // RFC 5761 4: RTCP packet types 192-223 when muxed
                int n = r.unprotectRtcp(b, 0, len);
                if (n < 0) {
                    srtpFailures.incrementAndGet();
                    return false;
                }
                rtcpPackets.incrementAndGet();
                return true;
            }
            int n = r.unprotectRtp(b, 0, len);
            if (n < 0 || !rtpView.wrap(b, 0, n)) {
                srtpFailures.incrementAndGet();
                return false;
            }
            RtpSink s = sink;
            if (s != null) {
                s.onRtp(rtpView, len, nowNanos);
            }
            return true;
        }
        return false;
    }

    private boolean onStun(byte[] b, int len) {
        StunMessage m = StunMessage.parse(b, 0, len);
        if (m != null && m.isBindingRequest()) {
            return answer(b, len); // a full server checks us too (RFC 8445 7.3)
        }
        byte[] tid = pendingTid;
        if (m != null && m.type() == StunMessage.BINDING_ERROR && m.errorCode() == 487 && tid != null
                && java.util.Arrays.equals(tid, m.transactionId()) && m.checkIntegrity(serverMac)) {
            synchronized (this) {
                role.onRoleConflictResponse(pendingControlling); // RFC 8445 7.2.5.1; the next check retries
            }
            pendingTid = null;
            return true;
        }
        if (m == null || m.type() != StunMessage.BINDING_SUCCESS || tid == null
                || !java.util.Arrays.equals(tid, m.transactionId()) || !m.checkIntegrity(serverMac)) {
            return false;
        }
        pendingTid = null;
        if (!iceDone) {
            iceDone = true;
            startDtls();
        }
        return true;
    }

    private synchronized boolean answer(byte[] b, int len) {
        if (responder == null) {
            return false;
        }
        int n = responder.handleStun(b, 0, len, server, System.currentTimeMillis(), stunOut);
        if (n <= 0) {
            return false;
        }
        send(stunOut, 0, n);
        return true;
    }

    private synchronized void startDtls() {
        if (dtls != null || closed) {
            return;
        }
        dtls = new DtlsSession(ctx.identity, true, remoteFingerprint, new DtlsGlue(), ctx.handshakes);
        dtls.start();
    }

    /**
     * Protects {@code b[off..off+len)} in place with this PC's SRTP sender and sends it; the array
     * needs {@code SrtpSession#maxOverhead()} spare bytes. Returns the SRTP length, or -1 before
     * DTLS finished or when the packet is malformed. Thread-safe.
     */
    public int sendRtp(byte[] b, int off, int len) {
        int n;
        synchronized (this) {
            if (sender == null) {
                return -1;
            }
            n = sender.protectRtp(b, off, len);
        }
        if (n > 0) {
            send(b, off, n);
        }
        return n;
    }

    /** Sends raw bytes to the server candidate from this PC's socket (tests: replays, garbage). */
    public void sendRaw(byte[] b, int off, int len) {
        send(b, off, len);
    }

    private void send(byte[] b, int off, int len) {
        InetSocketAddress to = server;
        if (to == null || closed) {
            return;
        }
        try {
            channel.send(ByteBuffer.wrap(b, off, len), to);
        } catch (IOException e) {
            log.debug("sim udp send failed pc={} err={}", name, e.toString());
        }
    }

    /**
     * Goes away as a crashed tab does: the socket is closed first, so the DTLS close_notify that
     * {@link #close} sends cannot leave; the server sees only silence.
     */
    public synchronized void vanish() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
        close();
    }

    /** Closes the peer connection as a browser's {@code pc.close()} does: DTLS close_notify first. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (dtls != null) {
            dtls.close(); // close_notify (RFC 5246 7.2.1) leaves while the socket is still open
        }
        closed = true;
        if (checks != null) {
            checks.cancel(false);
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
        connected.completeExceptionally(new IOException("closed"));
    }

    private final class DtlsGlue implements DtlsSession.Listener {
        @Override
        public void sendDatagram(byte[] b, int off, int len) {
            send(b, off, len);
        }

        @Override
        public void onConnected(SrtpProfile profile, byte[] keyingMaterial) {
            SrtpKeys keys = SrtpKeys.fromKeyingMaterial(profile, keyingMaterial, true);
            synchronized (ClientPeer.this) {
                sender = keys.newSender();
            }
            receiver = keys.newReceiver();
            log.debug("sim pc connected pc={} profile={}", name, profile);
            connected.complete(profile);
        }

        @Override
        public void onApplicationData(byte[] b, int off, int len) {
            // no SCTP in the simulated client
        }

        @Override
        public void onFailed(String reason, Throwable cause) {
            log.warn("sim dtls failed pc={} reason={}", name, reason);
            connected.completeExceptionally(new IOException("dtls: " + reason, cause));
        }
    }
}
