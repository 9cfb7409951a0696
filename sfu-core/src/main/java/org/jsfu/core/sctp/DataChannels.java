package org.jsfu.core.sctp;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebRTC data channels of one peer connection (RFC 8831) over one {@link SctpAssociation}: answers
 * the peer's DATA_CHANNEL_OPEN with DATA_CHANNEL_ACK and opens our own channels (RFC 8832) on the
 * stream ids of our DTLS role (server: odd). Sans-IO like the association; one owner thread.
 * Passive at first: the browser sends INIT; if nothing arrived after {@link #INITIATE_AFTER_MS} we
 * initiate ourselves.
 */
public final class DataChannels implements SctpAssociation.Listener {
    private static final Logger log = LoggerFactory.getLogger(DataChannels.class);
    public static final long INITIATE_AFTER_MS = 1000;
    /** Messages held for channels that are not open yet. */
    public static final int MAX_QUEUED = 256;
    public static final int MAX_QUEUED_BYTES = 1 << 20;
    private static final int MAX_CHANNELS = 64;
    private static final byte[] EMPTY_PAYLOAD = {0};

    /** Incoming messages and channel events. */
    public interface Handler {
        void onMessage(String label, byte[] data, boolean binary);

        default void onChannelOpen(String label, boolean local) {
        }

        default void onClosed(String reason) {
        }
    }

    private static final class Channel {
        final int stream;
        final String label;
        final boolean ordered;
        final int maxRetransmits;
        final boolean local;
        boolean open;

        Channel(int stream, String label, boolean ordered, int maxRetransmits, boolean local) {
            this.stream = stream;
            this.label = label;
            this.ordered = ordered;
            this.maxRetransmits = maxRetransmits;
            this.local = local;
        }
    }

    private record Queued(String label, byte[] data, boolean binary) {
    }

    private final SctpAssociation assoc;
    private final Handler handler;
    private final boolean dtlsServer;
    private final Map<Integer, Channel> byStream = new HashMap<>();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private int queuedBytes;
    private int nextLocalStream;
    private long startedMs = -1;
    private long nowMs;
    private boolean receivedAny;
    private long droppedMessages;

    public DataChannels(SctpAssociation.Config cfg, Random random, boolean dtlsServer,
                        SctpAssociation.Output out, Handler handler) {
        this.assoc = new SctpAssociation(cfg, random, out, this);
        this.handler = handler;
        this.dtlsServer = dtlsServer;
        this.nextLocalStream = dtlsServer ? 1 : 0;
    }

    public SctpAssociation association() {
        return assoc;
    }

    public long droppedMessages() {
        return droppedMessages;
    }

    /** The DTLS connection is up: wait for the peer's INIT (or initiate later from {@link #tick}). */
    public void start(long nowMs) {
        if (startedMs < 0) {
            startedMs = nowMs;
        }
    }

    /** One DTLS application record (an SCTP packet). */
    public void receive(byte[] b, int off, int len, long nowMs) {
        this.nowMs = nowMs;
        receivedAny = true;
        start(nowMs);
        assoc.receive(b, off, len, nowMs);
    }

    public void tick(long nowMs) {
        this.nowMs = nowMs;
        if (startedMs >= 0 && !receivedAny && assoc.state() == SctpAssociation.State.CLOSED
                && nowMs - startedMs >= INITIATE_AFTER_MS) {
            receivedAny = true;
            assoc.connect(nowMs);
        }
        assoc.tick(nowMs);
    }

    /** When {@link #tick} has something to do next (a retransmission or initiating), or -1. */
    public long nextTimerMs() {
        if (startedMs >= 0 && !receivedAny && assoc.state() == SctpAssociation.State.CLOSED) {
            return startedMs + INITIATE_AFTER_MS;
        }
        return assoc.nextTimerMs();
    }

    /** Opens a channel of ours (queued until the association is up). False when out of stream ids. */
    public boolean open(String label, boolean ordered, int maxRetransmits, long nowMs) {
        if (byStream.size() >= MAX_CHANNELS || nextLocalStream >= assoc.config().streams()) {
            return false;
        }
        Channel c = new Channel(nextLocalStream, label, ordered, maxRetransmits, true);
        nextLocalStream += 2;
        byStream.put(c.stream, c);
        if (assoc.isEstablished()) {
            sendOpen(c, nowMs);
        }
        return true;
    }

    public boolean isOpen(String label) {
        return find(label) != null;
    }

    /**
     * Sends a message on the open channel with this label (ours first, else the peer's). Queued
     * (bounded) while no such channel is open; false when dropped.
     */
    public boolean send(String label, byte[] data, boolean binary, long nowMs) {
        this.nowMs = nowMs;
        Channel c = find(label);
        if (c == null) {
            if (queue.size() >= MAX_QUEUED || queuedBytes + data.length > MAX_QUEUED_BYTES) {
                droppedMessages++;
                return false;
            }
            queue.add(new Queued(label, data, binary));
            queuedBytes += data.length;
            return true;
        }
        return sendOn(c, data, binary, nowMs);
    }

    private boolean sendOn(Channel c, byte[] data, boolean binary, long nowMs) {
        boolean empty = data.length == 0;
        int ppid = binary ? (empty ? Dcep.PPID_BINARY_EMPTY : Dcep.PPID_BINARY)
                : (empty ? Dcep.PPID_STRING_EMPTY : Dcep.PPID_STRING);
        byte[] payload = empty ? EMPTY_PAYLOAD : data; // RFC 8831 6.6: empty messages carry one byte
        boolean ok = assoc.send(c.stream, ppid, payload, 0, payload.length, !c.ordered, c.maxRetransmits, nowMs);
        if (!ok) {
            droppedMessages++;
        }
        return ok;
    }

    private Channel find(String label) {
        Channel remote = null;
        for (Channel c : byStream.values()) {
            if (c.open && c.label.equals(label)) {
                if (c.local) {
                    return c;
                }
                remote = c;
            }
        }
        return remote;
    }

    public void close(long nowMs) {
        assoc.abort("closed", nowMs);
    }

    private void sendOpen(Channel c, long nowMs) {
        byte[] m = Dcep.open(c.label, c.ordered, c.maxRetransmits);
        assoc.send(c.stream, Dcep.PPID_DCEP, m, 0, m.length, false, -1, nowMs);
    }

    private void flushQueue(long nowMs) {
        int n = queue.size();
        for (int i = 0; i < n; i++) {
            Queued q = queue.poll();
            Channel c = find(q.label);
            if (c != null) {
                queuedBytes -= q.data.length;
                sendOn(c, q.data, q.binary, nowMs);
            } else {
                queue.add(q);
            }
        }
    }

    // ---- association events -------------------------------------------------------------------

    @Override
    public void onEstablished() {
        log.debug("sctp established");
        for (Channel c : byStream.values()) {
            if (c.local && !c.open) {
                sendOpen(c, nowMs);
            }
        }
    }

    @Override
    public void onMessage(int stream, int ppid, byte[] data, boolean unordered) {
        Channel c = byStream.get(stream);
        if (ppid == Dcep.PPID_DCEP) {
            onDcep(stream, c, data);
            return;
        }
        if (c == null) {
            return; // data on a stream without a channel
        }
        if (c.local && !c.open) {
            c.open = true; // RFC 8832 6: data from the peer implies the ACK
            flushQueue(nowMs);
        }
        switch (ppid) {
            case Dcep.PPID_BINARY -> handler.onMessage(c.label, data, true);
            case Dcep.PPID_STRING -> handler.onMessage(c.label, data, false);
            case Dcep.PPID_BINARY_EMPTY -> handler.onMessage(c.label, new byte[0], true);
            case Dcep.PPID_STRING_EMPTY -> handler.onMessage(c.label, new byte[0], false);
            default -> { }
        }
    }

    private void onDcep(int stream, Channel c, byte[] m) {
        if (m.length == 1 && m[0] == Dcep.DATA_CHANNEL_ACK) {
            if (c != null && c.local && !c.open) {
                c.open = true;
                handler.onChannelOpen(c.label, true);
                flushQueue(nowMs);
            }
            return;
        }
        Dcep.Open open = Dcep.parseOpen(m);
        if (open == null || (stream & 1) == (dtlsServer ? 1 : 0) || byStream.size() >= MAX_CHANNELS
                && !byStream.containsKey(stream)) {
            return; // malformed, on one of our stream ids, or too many channels
        }
        Channel ch = new Channel(stream, open.label(), open.ordered(), open.maxRetransmits(), false);
        ch.open = true;
        byStream.put(stream, ch);
        byte[] ack = {Dcep.DATA_CHANNEL_ACK};
        assoc.send(stream, Dcep.PPID_DCEP, ack, 0, 1, false, -1, nowMs);
        handler.onChannelOpen(ch.label, false);
        flushQueue(nowMs);
    }

    @Override
    public void onIncomingStreamsReset(int[] streams, int count) {
        for (int i = 0; i < count; i++) {
            Channel c = byStream.get(streams[i]);
            if (c != null && !c.local) {
                byStream.remove(streams[i]);
            }
        }
    }

    @Override
    public void onClosed(String reason) {
        log.debug("sctp closed reason={}", reason);
        handler.onClosed(reason);
    }
}
