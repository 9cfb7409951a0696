package org.jsfu.core.sctp;

import java.util.Random;

/**
 * One SCTP association carried over DTLS (RFC 8261), sans-IO: packets in through {@link #receive},
 * packets out through {@link Output}, time always a parameter and timers driven by {@link #tick}.
 * Not thread-safe: one owner thread (the room loop).
 *
 * <p>Implements RFC 4960 association setup on either side (INIT / INIT ACK with an HMAC-signed state
 * cookie / COOKIE ECHO / COOKIE ACK, including INIT collisions, 5.2.1 and 5.2.4), DATA and SACK with
 * retransmission (T3-rtx and fast retransmit), HEARTBEAT, ABORT and SHUTDOWN; RFC 3758 partial
 * reliability (FORWARD TSN); RFC 6525 incoming stream resets (accepted and acknowledged).
 */
public final class SctpAssociation {
    public enum State { CLOSED, COOKIE_WAIT, COOKIE_ECHOED, ESTABLISHED, SHUTDOWN_SENT, SHUTDOWN_ACK_SENT }

    /** Where outgoing SCTP packets go (the DTLS transport); the buffer is lent for the call. */
    public interface Output {
        void sendPacket(byte[] b, int off, int len);
    }

    /** Association events, on the owner thread. Message arrays are owned by the receiver. */
    public interface Listener {
        void onEstablished();

        void onMessage(int stream, int ppid, byte[] data, boolean unordered);

        /** The peer reset these of its outgoing streams (RFC 6525): data channels closing. */
        void onIncomingStreamsReset(int[] streams, int count);

        void onClosed(String reason);
    }

    /** Limits and timers; all sizes in bytes, times in ms. */
    public record Config(int port, int mtu, int maxMessageSize, int receiveBuffer, int sendBuffer, int streams,
                         long rtoInitialMs, long rtoMinMs, long rtoMaxMs, int maxRetransmissions,
                         int maxInitRetransmissions, long heartbeatIntervalMs, long cookieLifetimeMs) {
        public static Config defaults() {
            return new Config(5000, 1200, 262144, 2 * 262144 + 65536, 1 << 20, 1024,
                    1000, 200, 6000, 10, 8, 30000, 60000);
        }

        public Config withRto(long initial, long min, long max) {
            return new Config(port, mtu, maxMessageSize, receiveBuffer, sendBuffer, streams, initial, min, max,
                    maxRetransmissions, maxInitRetransmissions, heartbeatIntervalMs, cookieLifetimeMs);
        }

        public Config withMaxRetransmissions(int n) {
            return new Config(port, mtu, maxMessageSize, receiveBuffer, sendBuffer, streams, rtoInitialMs, rtoMinMs,
                    rtoMaxMs, n, maxInitRetransmissions, heartbeatIntervalMs, cookieLifetimeMs);
        }
    }

    private static final int MAX_COOKIE_ECHO = 512;
    private static final int MAX_FORWARD_PAIRS = 256;
    private static final int MAX_RECONFIG_PARAMS = 4;
    private static final int MAX_RESET_STREAMS = 256;
    private static final int MAX_SACK = 16 + 4 * ReceiveBuffer.MAX_GAP_BLOCKS_OUT + 4 * ReceiveBuffer.MAX_DUPS_OUT;
    // RFC 6525 4.4 result codes
    private static final int RESULT_PERFORMED = 1;
    private static final int RESULT_DENIED = 2;
    private static final int RESULT_BAD_SEQUENCE = 5;

    private final Config cfg;
    private final Output out;
    private final Listener listener;
    private final Crc32cChecksum crc = new Crc32cChecksum();
    private final StateCookie cookie;
    private final ReceiveBuffer rx;
    private final SendQueue tx;
    private final byte[] pkt;
    private final int[] forwardPairs = new int[MAX_FORWARD_PAIRS];
    private final int[] resetStreams = new int[MAX_RESET_STREAMS];
    private final int localTag;
    private final int localInitialTsn;

    private State state = State.CLOSED;
    private boolean dead;
    private int peerTag;
    private boolean peerForwardTsn;
    private boolean rxInitialized;
    private int rxInitialTsn;
    private byte[] cookieEcho;
    private long t1Deadline = -1;
    private long t1Rto;
    private int t1Count;
    private long t3Deadline = -1;
    private int errorCount;
    private long lastSendMs;
    private boolean heartbeatPending;
    private boolean sackNeeded;
    private boolean forwardNeeded;
    private boolean shutdownRequested;
    private boolean inReceive;
    private int peerReqSeq;
    private int lastReconfigResult = RESULT_PERFORMED;
    private int pktLen;
    private int pktTag;
    private long invalidPackets;

    public SctpAssociation(Config cfg, Random random, Output out, Listener listener) {
        this.cfg = cfg;
        this.out = out;
        this.listener = listener;
        this.cookie = new StateCookie(random, cfg.cookieLifetimeMs());
        this.pkt = new byte[cfg.mtu()];
        int tag;
        do {
            tag = random.nextInt();
        } while (tag == 0);
        this.localTag = tag;
        this.localInitialTsn = random.nextInt();
        this.rx = new ReceiveBuffer(cfg.receiveBuffer(), cfg.maxMessageSize(), cfg.streams(), listener::onMessage);
        this.tx = new SendQueue(cfg.mtu(), cfg.sendBuffer(), cfg.streams(), cfg.rtoInitialMs(), cfg.rtoMinMs(),
                cfg.rtoMaxMs());
        this.tx.reset(localInitialTsn, cfg.receiveBuffer());
    }

    public State state() {
        return state;
    }

    public boolean isEstablished() {
        return state == State.ESTABLISHED;
    }

    /** Bytes queued or unacknowledged on the send side. */
    public int bufferedAmount() {
        return tx.bufferedBytes();
    }

    /** Bytes held for reassembly or ordered delivery. */
    public int receiveBuffered() {
        return rx.bufferedBytes();
    }

    public long invalidPackets() {
        return invalidPackets;
    }

    public Config config() {
        return cfg;
    }

    /** The earliest pending T1 / T3-rtx deadline, or -1 (heartbeats only need the periodic tick). */
    public long nextTimerMs() {
        if (t1Deadline < 0) {
            return t3Deadline;
        }
        return t3Deadline < 0 ? t1Deadline : Math.min(t1Deadline, t3Deadline);
    }

    /** Starts the association as the initiator (sends INIT). A passive side just waits in CLOSED. */
    public void connect(long nowMs) {
        if (state != State.CLOSED || dead) {
            return;
        }
        state = State.COOKIE_WAIT;
        t1Count = 0;
        t1Rto = cfg.rtoInitialMs();
        writeInit();
        t1Deadline = nowMs + t1Rto;
        flush(nowMs);
    }

    /**
     * Queues a user message. {@code maxRetransmits} -1 is fully reliable; 0 sends once (RFC 3758).
     * False when closed, over max-message-size or the send buffer is full.
     */
    public boolean send(int stream, int ppid, byte[] b, int off, int len, boolean unordered, int maxRetransmits,
                        long nowMs) {
        if (dead || shutdownRequested || state == State.SHUTDOWN_SENT || state == State.SHUTDOWN_ACK_SENT
                || len > cfg.maxMessageSize() || len <= 0) {
            return false;
        }
        if (!tx.enqueue(stream, ppid, b, off, len, unordered, maxRetransmits)) {
            return false;
        }
        if (!inReceive) {
            pump(nowMs);
            flush(nowMs);
        }
        return true;
    }

    /** One SCTP packet from the DTLS layer (lent for the call). Malformed packets are dropped whole. */
    public void receive(byte[] b, int off, int len, long nowMs) {
        if (dead) {
            return;
        }
        if (len < Chunks.COMMON_HEADER + 4 || !crc.verify(b, off, len)) {
            invalidPackets++;
            return;
        }
        int end = off + len;
        int count = 0;
        boolean hasInit = false;
        for (int p = off + Chunks.COMMON_HEADER; p < end; ) {
            int clen = end - p >= 4 ? Chunks.u16(b, p + 2) : 0;
            if (clen < 4 || clen > end - p) {
                invalidPackets++; // zero-length chunks and chunks past the packet (RFC 4960 3.2)
                return;
            }
            hasInit |= Chunks.u8(b, p) == Chunks.INIT;
            count++;
            p += Chunks.padded(clen);
        }
        if (hasInit && count > 1) {
            invalidPackets++; // RFC 4960 6.10: INIT is never bundled
            return;
        }
        int vtag = Chunks.i32(b, off + 4);
        inReceive = true;
        try {
            for (int p = off + Chunks.COMMON_HEADER; p < end && !dead; ) {
                int type = Chunks.u8(b, p);
                int flags = Chunks.u8(b, p + 1);
                int clen = Chunks.u16(b, p + 2);
                if (!tagAccepted(type, flags, vtag)) {
                    invalidPackets++; // RFC 4960 8.5
                    return;
                }
                if (!dispatch(type, flags, b, p, clen, vtag, nowMs)) {
                    break;
                }
                p += Chunks.padded(clen);
            }
        } finally {
            inReceive = false;
        }
        if (!dead) {
            pump(nowMs);
            flush(nowMs);
        }
    }

    private boolean tagAccepted(int type, int flags, int vtag) {
        return switch (type) {
            case Chunks.INIT -> vtag == 0;
            case Chunks.ABORT, Chunks.SHUTDOWN_COMPLETE ->
                    (flags & Chunks.FLAG_T) != 0 ? vtag == peerTag && peerTag != 0 : vtag == localTag;
            default -> vtag == localTag;
        };
    }

    /** Returns false to stop processing the rest of the packet. */
    private boolean dispatch(int type, int flags, byte[] b, int p, int clen, int vtag, long nowMs) {
        switch (type) {
            case Chunks.DATA -> onData(b, p, clen, flags);
            case Chunks.INIT -> onInit(b, p, clen, nowMs);
            case Chunks.INIT_ACK -> onInitAck(b, p, clen, nowMs);
            case Chunks.SACK -> onSack(b, p, clen, nowMs);
            case Chunks.HEARTBEAT -> onHeartbeat(b, p, clen);
            case Chunks.HEARTBEAT_ACK -> {
                heartbeatPending = false;
                errorCount = 0;
            }
            case Chunks.ABORT -> close("peer abort");
            case Chunks.SHUTDOWN -> onShutdown(clen);
            case Chunks.SHUTDOWN_ACK -> {
                if (state == State.SHUTDOWN_SENT) {
                    int o = reserve(peerTag, 4);
                    writeHeader(o, Chunks.SHUTDOWN_COMPLETE, 0, 4);
                    commit(o, 4);
                    flush(nowMs);
                    close("shutdown");
                }
            }
            case Chunks.SHUTDOWN_COMPLETE -> {
                if (state == State.SHUTDOWN_ACK_SENT) {
                    close("shutdown");
                }
            }
            case Chunks.COOKIE_ECHO -> onCookieEcho(b, p, clen, vtag, nowMs);
            case Chunks.COOKIE_ACK -> {
                if (state == State.COOKIE_ECHOED) {
                    established();
                }
            }
            case Chunks.FORWARD_TSN -> onForwardTsn(b, p, clen);
            case Chunks.RE_CONFIG -> onReconfig(b, p, clen);
            case Chunks.ERROR -> { }
            default -> {
                // RFC 4960 3.2: the two high bits say whether to skip an unknown chunk.
                return (type & 0x80) != 0;
            }
        }
        return true;
    }

    // ---- setup (RFC 4960 5.1, 5.2) ------------------------------------------------------------

    private void onInit(byte[] b, int p, int clen, long nowMs) {
        if (clen < 20 || state == State.SHUTDOWN_ACK_SENT) {
            return;
        }
        int initTag = Chunks.i32(b, p + 4);
        long aRwnd = Chunks.u32(b, p + 8);
        int os = Chunks.u16(b, p + 12);
        int mis = Chunks.u16(b, p + 14);
        int itsn = Chunks.i32(b, p + 16);
        if (initTag == 0 || os == 0 || mis == 0) {
            return;
        }
        boolean fwd = supportsForwardTsn(b, p + 20, p + clen);
        // 5.2.1: in COOKIE-WAIT/ECHOED the INIT ACK repeats our INIT's tag and TSN, which never change.
        int cookieParam = 4 + StateCookie.LENGTH;
        int len = 20 + Chunks.padded(cookieParam) + 8 + 4;
        if (pktLen > 0) {
            flush(nowMs);
        }
        int o = reserve(initTag, len);
        writeHeader(o, Chunks.INIT_ACK, 0, len);
        Chunks.put32(pkt, o + 4, localTag);
        Chunks.put32(pkt, o + 8, rx.window());
        Chunks.put16(pkt, o + 12, cfg.streams());
        Chunks.put16(pkt, o + 14, cfg.streams());
        Chunks.put32(pkt, o + 16, localInitialTsn);
        int q = o + 20;
        Chunks.put16(pkt, q, Chunks.PARAM_STATE_COOKIE);
        Chunks.put16(pkt, q + 2, cookieParam);
        cookie.write(pkt, q + 4, new StateCookie.Contents(nowMs, localTag, initTag, itsn, aRwnd, os, mis, fwd));
        for (int i = cookieParam; i < Chunks.padded(cookieParam); i++) {
            pkt[q + i] = 0;
        }
        q += Chunks.padded(cookieParam);
        writeExtensionParams(q);
        commit(o, len);
        flush(nowMs);
    }

    private void writeInit() {
        int len = 20 + 8 + 4;
        int o = reserve(0, len);
        writeHeader(o, Chunks.INIT, 0, len);
        Chunks.put32(pkt, o + 4, localTag);
        Chunks.put32(pkt, o + 8, rx.window());
        Chunks.put16(pkt, o + 12, cfg.streams());
        Chunks.put16(pkt, o + 14, cfg.streams());
        Chunks.put32(pkt, o + 16, localInitialTsn);
        writeExtensionParams(o + 20);
        commit(o, len);
    }

    /** Supported Extensions (RFC 5061 4.2.7: RE-CONFIG, FORWARD TSN), then Forward-TSN-Supported (RFC 3758 3.1). */
    private void writeExtensionParams(int q) {
        Chunks.put16(pkt, q, Chunks.PARAM_SUPPORTED_EXTENSIONS);
        Chunks.put16(pkt, q + 2, 6);
        pkt[q + 4] = (byte) Chunks.RE_CONFIG;
        pkt[q + 5] = (byte) Chunks.FORWARD_TSN;
        pkt[q + 6] = 0;
        pkt[q + 7] = 0;
        Chunks.put16(pkt, q + 8, Chunks.PARAM_FORWARD_TSN_SUPPORTED);
        Chunks.put16(pkt, q + 10, 4);
    }

    private static boolean supportsForwardTsn(byte[] b, int q, int end) {
        for (int n = 0; q + 4 <= end && n < 64; n++) {
            int type = Chunks.u16(b, q);
            int plen = Chunks.u16(b, q + 2);
            if (plen < 4 || plen > end - q) {
                return false;
            }
            if (type == Chunks.PARAM_FORWARD_TSN_SUPPORTED) {
                return true;
            }
            if (type == Chunks.PARAM_SUPPORTED_EXTENSIONS) {
                for (int i = 4; i < plen; i++) {
                    if (Chunks.u8(b, q + i) == Chunks.FORWARD_TSN) {
                        return true;
                    }
                }
            }
            q += Chunks.padded(plen);
        }
        return false;
    }

    private void onInitAck(byte[] b, int p, int clen, long nowMs) {
        if (state != State.COOKIE_WAIT || clen < 20) {
            return; // 5.2.3: discarded in other states
        }
        int initTag = Chunks.i32(b, p + 4);
        if (initTag == 0 || Chunks.u16(b, p + 12) == 0 || Chunks.u16(b, p + 14) == 0) {
            return;
        }
        byte[] echo = null;
        int end = p + clen;
        for (int q = p + 20, n = 0; q + 4 <= end && n < 64; n++) {
            int type = Chunks.u16(b, q);
            int plen = Chunks.u16(b, q + 2);
            if (plen < 4 || plen > end - q) {
                return;
            }
            if (type == Chunks.PARAM_STATE_COOKIE && plen - 4 <= MAX_COOKIE_ECHO && echo == null) {
                echo = java.util.Arrays.copyOfRange(b, q + 4, q + plen);
            }
            q += Chunks.padded(plen);
        }
        if (echo == null) {
            return;
        }
        peerTag = initTag;
        peerForwardTsn = supportsForwardTsn(b, p + 20, end);
        initReceiver(Chunks.i32(b, p + 16));
        tx.setPeerWindow(Chunks.u32(b, p + 8));
        cookieEcho = echo;
        state = State.COOKIE_ECHOED;
        t1Count = 0;
        t1Rto = cfg.rtoInitialMs();
        t1Deadline = nowMs + t1Rto;
        writeCookieEcho();
    }

    private void writeCookieEcho() {
        int len = 4 + cookieEcho.length;
        int o = reserve(peerTag, len);
        writeHeader(o, Chunks.COOKIE_ECHO, 0, len);
        System.arraycopy(cookieEcho, 0, pkt, o + 4, cookieEcho.length);
        commit(o, len);
    }

    private void onCookieEcho(byte[] b, int p, int clen, int vtag, long nowMs) {
        StateCookie.Contents c = cookie.verify(b, p + 4, clen - 4, nowMs);
        if (c == null || c.localTag() != localTag || vtag != localTag) {
            return; // 5.1.5: silently discarded
        }
        if (state == State.ESTABLISHED || state == State.SHUTDOWN_SENT || state == State.SHUTDOWN_ACK_SENT) {
            if (c.peerTag() == peerTag) {
                writeCookieAck(); // 5.2.4 case D: a retransmitted COOKIE ECHO
            }
            return; // a peer restart (5.2.4 case A) is not supported
        }
        peerTag = c.peerTag();
        peerForwardTsn = c.peerForwardTsn();
        initReceiver(c.peerInitialTsn());
        tx.setPeerWindow(c.peerRwnd());
        writeCookieAck();
        established();
    }

    private void writeCookieAck() {
        int o = reserve(peerTag, 4);
        writeHeader(o, Chunks.COOKIE_ACK, 0, 4);
        commit(o, 4);
    }

    private void initReceiver(int peerInitialTsn) {
        if (!rxInitialized || rxInitialTsn != peerInitialTsn) {
            rx.reset(peerInitialTsn);
            rxInitialized = true;
            rxInitialTsn = peerInitialTsn;
            peerReqSeq = peerInitialTsn; // RFC 6525 5.1.1: requests start at the initial TSN
        }
    }

    private void established() {
        state = State.ESTABLISHED;
        t1Deadline = -1;
        cookieEcho = null;
        listener.onEstablished();
    }

    // ---- data (RFC 4960 6) --------------------------------------------------------------------

    private void onData(byte[] b, int p, int clen, int flags) {
        if (state != State.ESTABLISHED && state != State.SHUTDOWN_SENT) {
            return;
        }
        if (clen <= Chunks.DATA_HEADER) {
            return; // 6.2: a DATA chunk without user data is a protocol violation; dropped
        }
        rx.onData(Chunks.i32(b, p + 4), Chunks.u16(b, p + 8), Chunks.u16(b, p + 10), Chunks.i32(b, p + 12),
                flags, b, p + Chunks.DATA_HEADER, clen - Chunks.DATA_HEADER);
        sackNeeded = true;
    }

    private void onSack(byte[] b, int p, int clen, long nowMs) {
        if (state != State.ESTABLISHED && state != State.SHUTDOWN_SENT || clen < 16) {
            return;
        }
        int gaps = Chunks.u16(b, p + 12);
        int dups = Chunks.u16(b, p + 14);
        if (16 + 4 * (gaps + dups) > clen) {
            invalidPackets++; // gap/dup counts larger than the chunk
            return;
        }
        int r = tx.onSack(Chunks.i32(b, p + 4), Chunks.u32(b, p + 8), b, p + 16, gaps, nowMs);
        if (r < 0) {
            return;
        }
        if (r > 0) {
            errorCount = 0;
        }
        updateForward();
        if (!tx.needsTimer()) {
            t3Deadline = -1;
        } else if (r > 0 || t3Deadline < 0) {
            t3Deadline = nowMs + tx.rto();
        }
        if (shutdownRequested && !tx.hasOutstanding() && state == State.ESTABLISHED) {
            writeShutdown();
        }
    }

    private void updateForward() {
        if (peerForwardTsn && Chunks.before(tx.cumulativeAck(), tx.advancedAckPoint())) {
            forwardNeeded = true;
        }
    }

    private void onForwardTsn(byte[] b, int p, int clen) {
        if (state != State.ESTABLISHED && state != State.SHUTDOWN_SENT || clen < 8) {
            return;
        }
        int pairs = Math.min(MAX_FORWARD_PAIRS, (clen - 8) / 4);
        for (int i = 0; i < pairs; i++) {
            forwardPairs[i] = Chunks.u16(b, p + 8 + 4 * i) << 16 | Chunks.u16(b, p + 10 + 4 * i);
        }
        rx.onForwardTsn(Chunks.i32(b, p + 4), forwardPairs, pairs);
        sackNeeded = true;
    }

    private void onHeartbeat(byte[] b, int p, int clen) {
        if (peerTag == 0 || clen > pkt.length - Chunks.COMMON_HEADER) {
            return;
        }
        int o = reserve(peerTag, clen);
        System.arraycopy(b, p, pkt, o, clen);
        pkt[o] = (byte) Chunks.HEARTBEAT_ACK;
        pkt[o + 1] = 0;
        commit(o, clen);
    }

    private void onShutdown(int clen) {
        if (state != State.ESTABLISHED && state != State.SHUTDOWN_SENT || clen < 8) {
            return;
        }
        state = State.SHUTDOWN_ACK_SENT;
        int o = reserve(peerTag, 4);
        writeHeader(o, Chunks.SHUTDOWN_ACK, 0, 4);
        commit(o, 4);
    }

    /** RFC 6525: outgoing resets from the peer are performed and acknowledged; others denied. */
    private void onReconfig(byte[] b, int p, int clen) {
        if (state != State.ESTABLISHED) {
            return;
        }
        int end = p + clen;
        for (int q = p + 4, n = 0; q + 4 <= end && n < MAX_RECONFIG_PARAMS; n++) {
            int type = Chunks.u16(b, q);
            int plen = Chunks.u16(b, q + 2);
            if (plen < 4 || plen > end - q) {
                return;
            }
            if ((type == Chunks.PARAM_OUTGOING_RESET && plen >= 16) || (type == Chunks.PARAM_INCOMING_RESET && plen >= 8)) {
                int reqSeq = Chunks.i32(b, q + 4);
                int result;
                if (reqSeq == peerReqSeq - 1) {
                    result = lastReconfigResult; // a retransmitted request
                } else if (reqSeq != peerReqSeq) {
                    result = RESULT_BAD_SEQUENCE;
                } else if (type == Chunks.PARAM_OUTGOING_RESET) {
                    int count = Math.min(MAX_RESET_STREAMS, (plen - 16) / 2);
                    for (int i = 0; i < count; i++) {
                        resetStreams[i] = Chunks.u16(b, q + 16 + 2 * i);
                    }
                    rx.resetStreams(resetStreams, count);
                    listener.onIncomingStreamsReset(resetStreams, count);
                    result = lastReconfigResult = RESULT_PERFORMED;
                    peerReqSeq++;
                } else {
                    result = lastReconfigResult = RESULT_DENIED;
                    peerReqSeq++;
                }
                int o = reserve(peerTag, 16);
                writeHeader(o, Chunks.RE_CONFIG, 0, 16);
                Chunks.put16(pkt, o + 4, Chunks.PARAM_RECONFIG_RESPONSE);
                Chunks.put16(pkt, o + 6, 12);
                Chunks.put32(pkt, o + 8, reqSeq);
                Chunks.put32(pkt, o + 12, result);
                commit(o, 16);
            }
            q += Chunks.padded(plen);
        }
    }

    // ---- timers and output --------------------------------------------------------------------

    /** Drives T1 (setup), T3-rtx and heartbeats. Call often (every few hundred ms at least). */
    public void tick(long nowMs) {
        if (dead) {
            return;
        }
        if (t1Deadline >= 0 && nowMs >= t1Deadline) {
            if (++t1Count > cfg.maxInitRetransmissions()) {
                abort("setup timed out", nowMs);
                return;
            }
            t1Rto = Math.min(cfg.rtoMaxMs(), t1Rto * 2);
            t1Deadline = nowMs + t1Rto;
            if (state == State.COOKIE_WAIT) {
                writeInit();
            } else if (state == State.COOKIE_ECHOED) {
                writeCookieEcho();
            }
        }
        if (t3Deadline >= 0 && nowMs >= t3Deadline) {
            if (++errorCount > cfg.maxRetransmissions()) {
                abort("too many retransmissions", nowMs);
                return;
            }
            tx.onRetransmitTimeout();
            updateForward();
            t3Deadline = tx.needsTimer() ? nowMs + tx.rto() : -1;
        }
        if (state == State.ESTABLISHED && nowMs - lastSendMs >= cfg.heartbeatIntervalMs()) {
            if (heartbeatPending && ++errorCount > cfg.maxRetransmissions()) {
                abort("peer unreachable", nowMs);
                return;
            }
            int o = reserve(peerTag, 16);
            writeHeader(o, Chunks.HEARTBEAT, 0, 16);
            Chunks.put16(pkt, o + 4, Chunks.PARAM_HEARTBEAT_INFO);
            Chunks.put16(pkt, o + 6, 12);
            Chunks.put64(pkt, o + 8, nowMs);
            commit(o, 16);
            heartbeatPending = true;
        }
        pump(nowMs);
        flush(nowMs);
    }

    /** Graceful close (RFC 4960 9.2): SHUTDOWN once everything sent is acknowledged. */
    public void shutdown(long nowMs) {
        if (state != State.ESTABLISHED) {
            abort("closed", nowMs);
            return;
        }
        shutdownRequested = true;
        if (!tx.hasOutstanding()) {
            writeShutdown();
            flush(nowMs);
        }
    }

    private void writeShutdown() {
        state = State.SHUTDOWN_SENT;
        int o = reserve(peerTag, 8);
        writeHeader(o, Chunks.SHUTDOWN, 0, 8);
        Chunks.put32(pkt, o + 4, rx.cumulativeTsn());
        commit(o, 8);
    }

    /** Sends ABORT (when there is a peer) and closes. */
    public void abort(String reason, long nowMs) {
        if (dead) {
            return;
        }
        if (peerTag != 0) {
            if (pktLen > 0) {
                flush(nowMs);
            }
            int o = reserve(peerTag, 4);
            writeHeader(o, Chunks.ABORT, 0, 4);
            commit(o, 4);
            flush(nowMs);
        }
        close(reason);
    }

    private void close(String reason) {
        if (dead) {
            return;
        }
        dead = true;
        state = State.CLOSED;
        t1Deadline = -1;
        t3Deadline = -1;
        listener.onClosed(reason);
    }

    /** SACK first, then FORWARD TSN, then DATA within the windows (RFC 4960 6.1, 6.10 ordering). */
    private void pump(long nowMs) {
        if (state != State.ESTABLISHED && state != State.SHUTDOWN_SENT && state != State.SHUTDOWN_ACK_SENT) {
            return;
        }
        if (sackNeeded) {
            sackNeeded = false;
            int o = reserve(peerTag, MAX_SACK);
            commit(o, rx.writeSack(pkt, o, MAX_SACK));
        }
        if (forwardNeeded) {
            forwardNeeded = false;
            int point = tx.advancedAckPoint();
            if (Chunks.before(tx.cumulativeAck(), point)) {
                int max = (pkt.length - Chunks.COMMON_HEADER - 8) / 4;
                int n = tx.abandonedStreams(point, forwardPairs, Math.min(max, MAX_FORWARD_PAIRS));
                int len = 8 + 4 * n;
                int o = reserve(peerTag, len);
                writeHeader(o, Chunks.FORWARD_TSN, 0, len);
                Chunks.put32(pkt, o + 4, point);
                for (int i = 0; i < n; i++) {
                    Chunks.put32(pkt, o + 8 + 4 * i, forwardPairs[i]);
                }
                commit(o, len);
                if (t3Deadline < 0) {
                    t3Deadline = nowMs + tx.rto();
                }
            }
        }
        if (state != State.ESTABLISHED || shutdownRequested && !tx.hasOutstanding()) {
            return;
        }
        SendQueue.Chunk c;
        while ((c = tx.nextToSend()) != null) {
            int len = Chunks.DATA_HEADER + c.data.length;
            int o = reserve(peerTag, len);
            writeHeader(o, Chunks.DATA, c.flags, len);
            Chunks.put32(pkt, o + 4, c.tsn);
            Chunks.put16(pkt, o + 8, c.stream);
            Chunks.put16(pkt, o + 10, c.ssn);
            Chunks.put32(pkt, o + 12, c.ppid);
            System.arraycopy(c.data, 0, pkt, o + Chunks.DATA_HEADER, c.data.length);
            commit(o, len);
            tx.markSent(c, nowMs);
            if (t3Deadline < 0) {
                t3Deadline = nowMs + tx.rto();
            }
        }
    }

    private void writeHeader(int o, int type, int flags, int len) {
        pkt[o] = (byte) type;
        pkt[o + 1] = (byte) flags;
        Chunks.put16(pkt, o + 2, len);
    }

    /** Room for a chunk of up to {@code maxLen} bytes in a packet with verification tag {@code vtag}. */
    private int reserve(int vtag, int maxLen) {
        if (pktLen > 0 && (pktTag != vtag || pktLen + Chunks.padded(maxLen) > pkt.length)) {
            sendPacket();
        }
        if (pktLen == 0) {
            Chunks.put16(pkt, 0, cfg.port());
            Chunks.put16(pkt, 2, cfg.port());
            Chunks.put32(pkt, 4, vtag);
            pktTag = vtag;
            pktLen = Chunks.COMMON_HEADER;
        }
        return pktLen;
    }

    private void commit(int o, int len) {
        int padded = Chunks.padded(len);
        for (int i = len; i < padded; i++) {
            pkt[o + i] = 0;
        }
        pktLen = o + padded;
    }

    private void flush(long nowMs) {
        if (pktLen > Chunks.COMMON_HEADER) {
            lastSendMs = nowMs;
        }
        sendPacket();
    }

    private void sendPacket() {
        if (pktLen > Chunks.COMMON_HEADER) {
            crc.write(pkt, 0, pktLen);
            out.sendPacket(pkt, 0, pktLen);
        }
        pktLen = 0;
    }
}
