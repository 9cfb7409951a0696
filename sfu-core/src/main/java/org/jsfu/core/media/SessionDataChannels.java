package org.jsfu.core.media;

import java.security.SecureRandom;
import java.util.concurrent.ScheduledFuture;
import org.jsfu.core.room.MediaLoop;
import org.jsfu.core.room.Participant;
import org.jsfu.core.sctp.DataChannels;
import org.jsfu.core.sctp.SctpAssociation;
import org.jsfu.core.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data channels of one participant's two peer connections (livekit-protocol.md section 3, v0):
 * one SCTP association per PC. Messages the client sends on {@code _reliable} / {@code _lossy} (on
 * either PC) go to {@link Participant#onClientData}; server-to-client packets go out on the channels
 * we open on the subscriber PC. On the room loop. Retransmission timers get a one-shot timer on the
 * loop at their deadline; everything else runs from the session's periodic tick.
 */
final class SessionDataChannels {
    private static final Logger log = LoggerFactory.getLogger(SessionDataChannels.class);
    static final String RELIABLE = "_reliable";
    static final String LOSSY = "_lossy";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Participant participant;
    private final MediaLoop loop;
    private ScheduledFuture<?> timer;
    private long timerAtMs = -1;
    private boolean closed;
    private PeerTransport pubPc;
    private PeerTransport subPc;
    private DataChannels pub;
    private DataChannels sub;

    SessionDataChannels(Participant participant, MediaLoop loop) {
        this.participant = participant;
        this.loop = loop;
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    /** The association of this PC, created on first use; ours are opened on the subscriber PC. */
    private DataChannels of(PeerTransport t, boolean subscriber) {
        if (subscriber) {
            if (sub == null || subPc != t) {
                subPc = t;
                sub = create(t, "sub");
                sub.open(RELIABLE, true, -1, nowMs());
                sub.open(LOSSY, false, 0, nowMs());
            }
            return sub;
        }
        if (pub == null || pubPc != t) {
            pubPc = t;
            pub = create(t, "pub");
        }
        return pub;
    }

    private DataChannels create(PeerTransport t, String pc) {
        // We are always the DTLS server (PeerTransport), so our stream ids are odd (RFC 8832 6).
        return new DataChannels(SctpAssociation.Config.defaults(), RANDOM, true, t::sendApplicationData,
                new DataChannels.Handler() {
                    @Override
                    public void onMessage(String label, byte[] data, boolean binary) {
                        if (RELIABLE.equals(label)) {
                            participant.onClientData(data, 0, data.length, true);
                        } else if (LOSSY.equals(label)) {
                            participant.onClientData(data, 0, data.length, false);
                        }
                    }

                    @Override
                    public void onChannelOpen(String label, boolean local) {
                        log.debug("data channel open identity={} pc={} label={} local={}",
                                participant.identity(), pc, label, local);
                    }

                    @Override
                    public void onClosed(String reason) {
                        log.info("sctp closed identity={} pc={} reason={}", participant.identity(), pc, reason);
                    }
                });
    }

    void onConnected(PeerTransport t, boolean subscriber) {
        of(t, subscriber).start(nowMs());
        arm();
    }

    void onApplicationData(PeerTransport t, boolean subscriber, byte[] b, int off, int len) {
        of(t, subscriber).receive(b, off, len, nowMs());
        arm();
    }

    /** Sends an encoded DataPacket on the subscriber PC (queued, bounded, until the channel is open). */
    void send(PeerTransport subscriberPc, byte[] packet, boolean reliable) {
        if (subscriberPc == null) {
            return;
        }
        if (!of(subscriberPc, true).send(reliable ? RELIABLE : LOSSY, packet, true, nowMs())) {
            log.debug("data packet dropped identity={} reliable={}", participant.identity(), reliable);
        }
        arm();
    }

    void tick() {
        long now = nowMs();
        if (pub != null) {
            pub.tick(now);
        }
        if (sub != null) {
            sub.tick(now);
        }
        arm();
    }

    /** Schedules a one-shot tick at the earliest association deadline when none is pending before it. */
    private void arm() {
        long at = earliest(pub == null ? -1 : pub.nextTimerMs(), sub == null ? -1 : sub.nextTimerMs());
        if (closed || at < 0 || (timer != null && timerAtMs <= at)) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAtMs = at;
        timer = loop.schedule(() -> {
            timer = null;
            timerAtMs = -1;
            if (!closed) {
                tick();
            }
        }, Math.max(1, at - nowMs()));
    }

    private static long earliest(long a, long b) {
        if (a < 0) {
            return b;
        }
        return b < 0 ? a : Math.min(a, b);
    }

    void close() {
        closed = true;
        if (timer != null) {
            timer.cancel(false);
        }
        long now = nowMs();
        if (pub != null) {
            pub.close(now);
        }
        if (sub != null) {
            sub.close(now);
        }
    }
}
