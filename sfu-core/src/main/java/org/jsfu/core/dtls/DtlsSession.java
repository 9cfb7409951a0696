package org.jsfu.core.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.jsfu.core.srtp.SrtpProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DTLS 1.2 association for DTLS-SRTP (RFC 5764) and later SCTP data channels, on BouncyCastle's
 * low-level TLS API.
 *
 * <p>Threads: {@link #start()} runs BouncyCastle's blocking handshake on the given executor; it
 * reads the datagrams that {@link #receive} (any thread) copies into a bounded queue. After the
 * handshake no thread is kept: each {@link #receive} drains the queue through the record layer on
 * the caller's thread and hands decrypted application data to the listener. Listener calls
 * therefore come from the handshake thread ({@code onConnected}, and {@code onFailed} during the
 * handshake) or from the receiving thread; the transport posts them to its loop.
 *
 * <p>Security: DTLS 1.2 only, ECDHE-ECDSA suites, extended master secret required, the peer's
 * certificate must match the SDP fingerprint (both roles; the server requires a client
 * certificate, RFC 5763 5).
 */
public final class DtlsSession {
    private static final Logger log = LoggerFactory.getLogger(DtlsSession.class);

    /** Callbacks; the buffers passed are only valid during the call. */
    public interface Listener {
        /** Send one DTLS datagram to the peer (selected ICE pair). */
        void sendDatagram(byte[] b, int off, int len);

        /** Handshake done: the negotiated profile and the RFC 5764 4.2 exporter output. */
        void onConnected(SrtpProfile profile, byte[] keyingMaterial);

        /** Decrypted application data (SCTP). */
        void onApplicationData(byte[] b, int off, int len);

        /** Handshake failure, timeout, fatal alert or close by the peer; called at most once. */
        void onFailed(String reason, Throwable cause);
    }

    /**
     * @param srtpProfiles profiles in preference order (offered by a client, chosen from by a server)
     * @param handshakeTimeoutMs the whole handshake must finish within this time
     * @param mtu largest datagram we send (BouncyCastle fragments the handshake to fit)
     * @param receiveQueueCapacity datagrams buffered before the session consumes them
     * @param handshakeResendMs initial retransmission timer, doubled per resend (RFC 6347 4.2.4.1
     *        recommends 1 s); tests shorten it to run many loss patterns quickly
     */
    public record Options(List<SrtpProfile> srtpProfiles, int handshakeTimeoutMs, int mtu, int receiveQueueCapacity,
                          int handshakeResendMs) {
        public Options {
            if (srtpProfiles == null || srtpProfiles.isEmpty()) throw new IllegalArgumentException("srtpProfiles");
            srtpProfiles = List.copyOf(srtpProfiles);
            if (handshakeTimeoutMs <= 0) throw new IllegalArgumentException("handshakeTimeoutMs");
            if (mtu < 256 || mtu > 65507) throw new IllegalArgumentException("mtu");
            if (receiveQueueCapacity < 1) throw new IllegalArgumentException("receiveQueueCapacity");
            if (handshakeResendMs < 1 || handshakeResendMs > handshakeTimeoutMs) {
                throw new IllegalArgumentException("handshakeResendMs");
            }
        }

        /** AEAD_AES_128_GCM preferred over AES_CM_128_HMAC_SHA1_80, 20 s handshake, MTU 1200, 1 s resend. */
        public static Options defaults() {
            return new Options(List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80),
                    20_000, 1200, 128, 1000);
        }

        public Options withSrtpProfiles(List<SrtpProfile> p) {
            return new Options(p, handshakeTimeoutMs, mtu, receiveQueueCapacity, handshakeResendMs);
        }

        public Options withHandshakeTimeoutMs(int t) {
            return new Options(srtpProfiles, t, mtu, receiveQueueCapacity, Math.min(handshakeResendMs, t));
        }

        public Options withHandshakeResendMs(int r) {
            return new Options(srtpProfiles, handshakeTimeoutMs, mtu, receiveQueueCapacity, r);
        }
    }

    private enum State { NEW, HANDSHAKING, CONNECTED, FAILED, CLOSED }

    /** Largest datagram accepted from the wire. */
    static final int RECEIVE_LIMIT = 1500;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final boolean client;
    private final Listener listener;
    private final Executor executor;
    private final DtlsPeerSupport support;
    private final QueueDatagramTransport transport;
    private final Object pumpLock = new Object();
    private final byte[] appBuf = new byte[RECEIVE_LIMIT];
    private volatile State state = State.NEW;
    private volatile DTLSTransport dtls;

    public DtlsSession(DtlsIdentity local, boolean client, String remoteFingerprintSha256, Listener l,
                       Executor handshakeExecutor) {
        this(local, client, remoteFingerprintSha256, l, handshakeExecutor, Options.defaults());
    }

    public DtlsSession(DtlsIdentity local, boolean client, String remoteFingerprintSha256, Listener l,
                       Executor handshakeExecutor, Options options) {
        if (local == null || l == null || handshakeExecutor == null || options == null) {
            throw new IllegalArgumentException("identity, listener, executor and options are required");
        }
        if (remoteFingerprintSha256 == null || remoteFingerprintSha256.isBlank()) {
            throw new IllegalArgumentException("remote fingerprint required");
        }
        this.client = client;
        this.listener = l;
        this.executor = handshakeExecutor;
        this.support = new DtlsPeerSupport(new BcTlsCrypto(RANDOM), local, remoteFingerprintSha256,
                options.srtpProfiles(), options.handshakeTimeoutMs(), options.handshakeResendMs());
        this.transport = new QueueDatagramTransport(options.receiveQueueCapacity(), RECEIVE_LIMIT, options.mtu(),
                !client, this::sendToWire);
    }

    /** RFC 7983 7: a first byte in 20..63 is DTLS. */
    public static boolean isDtls(byte[] b, int off, int len) {
        if (len < 1) return false;
        int f = b[off] & 0xFF;
        return f >= 20 && f <= 63;
    }

    /** Starts the handshake on the executor. Call once. */
    public void start() {
        synchronized (this) {
            if (state != State.NEW) throw new IllegalStateException("already started");
            state = State.HANDSHAKING;
        }
        try {
            executor.execute(this::handshake);
        } catch (RejectedExecutionException e) {
            fail("handshake executor rejected the task", e);
        }
    }

    private void handshake() {
        long t0 = System.nanoTime();
        try {
            DTLSTransport t;
            if (client) {
                t = new DTLSClientProtocol().connect(new SrtpDtlsClient(support), transport);
            } else {
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                // No HelloVerifyRequest cookie: ICE already validated the source (RFC 8445 consent).
                protocol.setVerifyRequests(false);
                t = protocol.accept(new SrtpDtlsServer(support), transport);
            }
            SrtpProfile profile = support.selectedProfile;
            byte[] km = support.keyingMaterial;
            synchronized (this) {
                if (state != State.HANDSHAKING) {
                    closeQuietly(t);
                    return;
                }
                if (profile == null || km == null) {
                    throw new TlsFatalAlert(AlertDescription.internal_error, "no SRTP profile negotiated");
                }
                dtls = t;
                transport.pumpMode();
                state = State.CONNECTED;
            }
            log.debug("dtls connected client={} profile={} ms={}", client, profile, (System.nanoTime() - t0) / 1_000_000);
            listener.onConnected(profile, km);
            pump();
        } catch (Throwable e) {
            fail(reasonOf(e), e);
        }
    }

    private String reasonOf(Throwable e) {
        if (support.fingerprintMismatch) return "peer certificate does not match the SDP fingerprint";
        if (e instanceof TlsTimeoutException) return "handshake timeout";
        if (e instanceof TlsFatalAlertReceived r) {
            return "peer sent fatal alert " + AlertDescription.getText(r.getAlertDescription());
        }
        if (e instanceof TlsFatalAlert a) return "fatal alert " + AlertDescription.getText(a.getAlertDescription());
        return (dtls == null ? "handshake failed: " : "dtls error: ") + e;
    }

    /**
     * Feeds one datagram from the peer (copied; callable from any thread). Non-DTLS datagrams
     * (RFC 7983) and datagrams over the queue bound are dropped. After the handshake this drains
     * the queue on the calling thread and delivers application data.
     */
    public void receive(byte[] b, int off, int len) {
        if (b == null || off < 0 || len < 0 || off > b.length - len || !isDtls(b, off, len)) return;
        State s = state;
        if (s == State.FAILED || s == State.CLOSED) return;
        transport.offer(b, off, len);
        if (dtls != null) pump();
    }

    private void pump() {
        synchronized (pumpLock) {
            DTLSTransport t = dtls;
            while (t != null && state == State.CONNECTED) {
                int n;
                try {
                    n = t.receive(appBuf, 0, appBuf.length, 1);
                } catch (InterruptedIOException drained) {
                    break; // queue empty
                } catch (IOException e) {
                    if (transport.isClosed()) {
                        break; // the peer's close_notify closed the transport: reported below
                    }
                    fail(reasonOf(e), e);
                    return;
                }
                if (n >= 0) {
                    try {
                        listener.onApplicationData(appBuf, 0, n);
                    } catch (RuntimeException e) {
                        log.warn("dtls application data listener failed client={}", client, e);
                    }
                } else if (!transport.hasQueued()) {
                    break;
                }
            }
        }
        if (transport.isClosed() && state == State.CONNECTED) {
            fail("closed by peer (close_notify)", null); // the record layer answered and closed the transport
        }
    }

    /** Encrypts and sends application data; false if not connected or the send failed. */
    public boolean sendApplicationData(byte[] b, int off, int len) {
        DTLSTransport t = dtls;
        if (t == null || state != State.CONNECTED) return false;
        try {
            t.send(b, off, len);
            return true;
        } catch (IOException e) {
            fail("send failed", e);
            return false;
        }
    }

    /** Largest application payload that fits one datagram, or -1 before the handshake. */
    public int sendLimit() {
        DTLSTransport t = dtls;
        try {
            return t == null ? -1 : t.getSendLimit();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Sends close_notify if connected, stops a running handshake; idempotent, no callback. */
    public void close() {
        DTLSTransport t;
        synchronized (this) {
            if (state == State.CLOSED) return;
            boolean wasConnected = state == State.CONNECTED;
            state = State.CLOSED;
            t = wasConnected ? dtls : null;
        }
        if (t != null) closeQuietly(t); // close_notify (RFC 5246 7.2.1) then transport close
        transport.close();
    }

    public boolean isConnected() {
        return state == State.CONNECTED;
    }

    public boolean isClient() {
        return client;
    }

    /** Negotiated profile, or null before the handshake completes. */
    public SrtpProfile srtpProfile() {
        return state == State.CONNECTED ? support.selectedProfile : null;
    }

    /** Datagrams dropped because the receive queue was full. */
    public long droppedDatagrams() {
        return transport.dropped();
    }

    private void fail(String reason, Throwable cause) {
        synchronized (this) {
            if (state == State.FAILED || state == State.CLOSED) return;
            state = State.FAILED;
        }
        DTLSTransport t = dtls;
        if (t != null) closeQuietly(t);
        transport.close();
        log.info("dtls failed client={} reason={}", client, reason);
        listener.onFailed(reason, cause);
    }

    private void sendToWire(byte[] b, int off, int len) throws IOException {
        try {
            listener.sendDatagram(b, off, len);
        } catch (RuntimeException e) {
            throw new IOException("sendDatagram failed", e);
        }
    }

    private static void closeQuietly(DTLSTransport t) {
        try {
            t.close();
        } catch (IOException | RuntimeException e) {
            // closing is best effort
        }
    }
}
