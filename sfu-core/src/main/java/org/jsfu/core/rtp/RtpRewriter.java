package org.jsfu.core.rtp;

/**
 * Per subscriber, per track: rewrites SSRC, sequence number and timestamp so the subscriber sees one
 * continuous stream across source switches (simulcast layer, re-published track), pauses and resumes.
 * Architecture rule 5: {@link #decide} is pure and returns a packed decision; {@link #apply} commits the
 * decision to the state and writes the header in place (normally into the subscriber's scratch copy).
 *
 * <p>Source sequence numbers come in already extended to 64 bits by the publisher track (the same keys
 * as its {@link PacketRing}). Inside one source segment the mapping is an offset, so gaps and reordering
 * are preserved (the subscriber NACKs real gaps); a window remembers, per source sequence, the output
 * sequence given or reserved for it, which drops duplicates, places late packets and hides dropped
 * padding-only packets. A second window, by output sequence, remembers for each output sequence the
 * source SSRC, source sequence and timestamp offset; it survives switches, so a subscriber's NACK maps
 * back to the right source even for packets sent before the last switch ({@link #sourceSeqFor},
 * {@link #sourceSsrcFor}, {@link #decideRetransmitAt}). On a switch or resume the next packet gets
 * output sequence last+1 and a timestamp advanced by the wall-clock time since the last forwarded
 * packet (at least 1), so the output stays continuous and monotonic whatever the new source's
 * timestamp base; a switch given the sources' clock mapping ({@link #switchSource(int, long)}, from
 * sender reports) times it by media time instead. Waiting for a video keyframe before a switch is the caller's choice.
 *
 * <p>Decision layout: bits 0-31 output timestamp, 32-47 output sequence, 48-55 action, 56-59 kind.
 * One owner thread; no allocation after construction.
 */
public final class RtpRewriter {
    public static final int FORWARD = 1;
    public static final int DROP_DUPLICATE = 2;
    public static final int DROP_TOO_OLD = 3;
    public static final int DROP_PADDING = 4;
    public static final int DROP_PAUSED = 5;
    public static final int DROP_OTHER_SOURCE = 6;
    /** {@link #sourceSeqFor} result for a sequence number with no known source packet. */
    public static final long UNKNOWN = Long.MIN_VALUE;

    private static final int KIND_RESYNC = 1;
    private static final int KIND_NEWER = 2;
    private static final int KIND_OLDER = 3;
    private static final int KIND_RETRANSMIT = 4;

    private static final byte RESERVED = 1;
    private static final byte FORWARDED = 2;
    private static final byte DROPPED = 3;
    private static final long EMPTY = Long.MIN_VALUE;

    private final int outSsrc;
    private final int clockRate;
    private final int mask;
    private final long initialSeq;
    private final long initialTs;
    private boolean dropPaddingOnly = true;

    /**
     * The source window, one record of {@link #STRIDE} longs per slot: extended source sequence (key), the
     * output sequence it maps to, its state. The output window likewise: extended output sequence (key),
     * the source sequence behind it, that source's SSRC, the timestamp offset then. A packet reads and
     * writes one record of each, so one or two cache lines per window instead of a line per field (the
     * fan-out's subscribers are many, and their state is out of cache between two packets). Both windows are
     * in one array, the output window from {@link #outsAt}, so that there is one array header to read.
     */
    private final long[] slots;
    private final int outsAt;
    private static final int STRIDE = 4;
    private static final int KEY = 0;
    private static final int SRC_OUT = 1;
    private static final int SRC_STATE = 2;
    private static final int OUT_SRC = 1;
    private static final int OUT_SSRC = 2;
    private static final int OUT_TS_OFFSET = 3;

    private boolean started;
    private boolean paused;
    private boolean resync;
    private boolean hasSource;
    private int srcSsrc;
    private boolean hasPending;
    private int pendingSsrc;
    /** Added to the pending source's timestamps to put them on the current source's timeline, or UNKNOWN. */
    private long pendingTsMap = UNKNOWN;
    private long srcHighest;
    private long srcFloor;
    private long outHighest;
    private long outHighestTs;
    private long lastWallMs;
    private long tsOffset;

    /**
     * @param window power of two: how far back (in source sequence numbers) late packets, duplicates and
     *               NACKs are mapped
     */
    public RtpRewriter(int outSsrc, int clockRate, int initialSeq, long initialTs, int window) {
        if (window <= 0 || Integer.bitCount(window) != 1 || clockRate <= 0) {
            throw new IllegalArgumentException("window must be a power of two, clockRate positive");
        }
        this.outSsrc = outSsrc;
        this.clockRate = clockRate;
        this.mask = window - 1;
        this.initialSeq = initialSeq & 0xffff;
        this.initialTs = initialTs & 0xffffffffL;
        this.outsAt = window * STRIDE;
        this.slots = new long[2 * outsAt];
        clearSourceWindow();
        for (int r = outsAt; r < slots.length; r += STRIDE) {
            slots[r + KEY] = EMPTY;
        }
    }

    public int outSsrc() {
        return outSsrc;
    }

    /** Whether in-order padding-only packets are dropped (default true: they are publisher probes). */
    public void setDropPaddingOnly(boolean drop) {
        this.dropPaddingOnly = drop;
    }

    /** Stops forwarding (subscriber muted/paused the track); the sequence does not advance. */
    public void pause() {
        paused = true;
    }

    /** Forwards again; the next packet continues the sequence, timestamp advanced by wall clock. */
    public void resume() {
        if (paused) {
            paused = false;
            resync = true;
        }
    }

    public boolean paused() {
        return paused;
    }

    /**
     * Switches to source {@code ssrc}: packets of the current source keep flowing until the first packet
     * of the new one, which continues the output sequence; later packets of the old source are dropped.
     */
    public void switchSource(int ssrc) {
        switchSource(ssrc, UNKNOWN);
    }

    /**
     * {@link #switchSource(int)} knowing how the sources' clocks relate: {@code tsMap} added (mod 2^32) to a
     * timestamp of the new source gives the current source's timestamp of the same instant (from both
     * sources' RTCP sender reports), or {@link #UNKNOWN}. With it the first packet of the new source is
     * timed by media time: the current offset applied to its mapped timestamp, as if the source had not
     * changed. That value is used when it is ahead of the last output timestamp by at most the wall-clock
     * time since plus one second; when it is behind by at most 50 ms (LiveKit's threshold) the output
     * moves by one tick; otherwise (or without a mapping) by the wall clock, as a resume does.
     */
    public void switchSource(int ssrc, long tsMap) {
        if (hasSource && ssrc == srcSsrc) {
            hasPending = false; // staying on (or going back to) the current source before the switch happened
            return;
        }
        hasPending = true;
        pendingSsrc = ssrc;
        pendingTsMap = tsMap;
    }

    /** Reads this object's fields only (cache warming: the level before {@link #touch}). */
    public int touchFields() {
        return mask + (int) outHighest;
    }

    /** Reads the slots {@link #decide} and {@link #apply} use for {@code srcExtSeq} (cache warming). */
    public int touch(long srcExtSeq) {
        int i = ((int) srcExtSeq & mask) * STRIDE;
        int o = ((int) (outHighest + 1) & mask) * STRIDE;
        return (int) slots[i + KEY] + (int) slots[outsAt + o + KEY];
    }

    /** Pure: what to do with source packet {@code p} whose extended sequence is {@code srcExtSeq}. */
    public long decide(RtpPacket p, long srcExtSeq, long nowMs) {
        if (paused) {
            return pack(DROP_PAUSED, 0, 0, 0);
        }
        int ssrc = p.ssrc();
        boolean padOnly = p.payloadLength() == 0;
        boolean toPending = hasPending && ssrc == pendingSsrc;
        if ((!hasSource && !hasPending) || toPending || (resync && hasSource && ssrc == srcSsrc)) {
            if (padOnly && dropPaddingOnly) {
                return pack(DROP_PADDING, KIND_RESYNC, 0, 0);
            }
            if (!started) {
                return pack(FORWARD, KIND_RESYNC, initialSeq, initialTs);
            }
            long elapsed = Math.max(0, nowMs - lastWallMs) * clockRate / 1000;
            if (toPending && hasSource && pendingTsMap != UNKNOWN) {
                long mapped = (p.timestamp() + pendingTsMap + tsOffset) & 0xffffffffL;
                long ahead = (int) (mapped - outHighestTs); // signed 32-bit distance (RFC 3550 timestamps wrap)
                if (ahead > 0 && ahead <= elapsed + clockRate) {
                    return pack(FORWARD, KIND_RESYNC, outHighest + 1, mapped);
                }
                if (ahead <= 0 && -ahead <= clockRate / 20) {
                    return pack(FORWARD, KIND_RESYNC, outHighest + 1, outHighestTs + 1);
                }
            }
            return pack(FORWARD, KIND_RESYNC, outHighest + 1, outHighestTs + Math.max(1, elapsed));
        }
        if (!hasSource || ssrc != srcSsrc) {
            return pack(DROP_OTHER_SOURCE, 0, 0, 0);
        }
        long outTs = p.timestamp() + tsOffset;
        if (srcExtSeq > srcHighest) {
            if (padOnly && dropPaddingOnly && srcExtSeq == srcHighest + 1) {
                return pack(DROP_PADDING, KIND_NEWER, 0, 0);
            }
            return pack(FORWARD, KIND_NEWER, outHighest + (srcExtSeq - srcHighest), outTs);
        }
        if (srcExtSeq < srcFloor) {
            return pack(DROP_TOO_OLD, 0, 0, 0);
        }
        int i = ((int) srcExtSeq & mask) * STRIDE;
        if (slots[i + KEY] != srcExtSeq) {
            return pack(DROP_TOO_OLD, 0, 0, 0);
        }
        if (slots[i + SRC_STATE] != RESERVED) {
            return pack(DROP_DUPLICATE, 0, 0, 0);
        }
        return pack(FORWARD, KIND_OLDER, slots[i + SRC_OUT], outTs);
    }

    /**
     * Pure: the header for retransmitting source packet {@code p} (from the publisher's ring) after the
     * subscriber NACKed it. Drops when the packet is not one this subscriber was given or owed.
     */
    public long decideRetransmit(RtpPacket p, long srcExtSeq) {
        if (paused || !hasSource || p.ssrc() != srcSsrc || srcExtSeq < srcFloor) {
            return pack(DROP_TOO_OLD, 0, 0, 0);
        }
        int i = ((int) srcExtSeq & mask) * STRIDE;
        if (slots[i + KEY] != srcExtSeq || slots[i + SRC_STATE] == DROPPED || srcExtSeq > srcHighest) {
            return pack(DROP_TOO_OLD, 0, 0, 0);
        }
        return pack(FORWARD, KIND_RETRANSMIT, slots[i + SRC_OUT], p.timestamp() + tsOffset);
    }

    /**
     * Commits {@code decision} (from {@link #decide} or {@link #decideRetransmit} on the same packet,
     * with no other call in between) and, when it forwards, writes SSRC, sequence and timestamp into
     * {@code p} in place. Returns true when the packet is to be sent.
     */
    public boolean apply(long decision, RtpPacket p, long srcExtSeq, long nowMs) {
        int action = action(decision);
        int kind = (int) (decision >>> 56) & 0x0f;
        if (action == DROP_PADDING && kind == KIND_NEWER) {
            record(srcExtSeq, 0, DROPPED);
            srcHighest = srcExtSeq;
            return false;
        }
        if (action != FORWARD) {
            return false;
        }
        long outTs = outTimestamp(decision);
        long outExt;
        switch (kind) {
            case KIND_RESYNC -> {
                int ssrc = p.ssrc();
                outExt = started ? outHighest + (short) (outSeq(decision) - (int) outHighest) : outSeq(decision);
                if (hasPending && ssrc == pendingSsrc) {
                    hasPending = false;
                }
                hasSource = true;
                srcSsrc = ssrc;
                resync = false;
                clearSourceWindow();
                tsOffset = (outTs - p.timestamp()) & 0xffffffffL;
                srcHighest = srcExtSeq;
                srcFloor = srcExtSeq;
                record(srcExtSeq, outExt, FORWARDED);
                advance(outExt, outTs, nowMs);
            }
            case KIND_NEWER -> {
                outExt = outHighest + (srcExtSeq - srcHighest);
                long from = Math.max(srcHighest + 1, srcExtSeq - mask);
                for (long s = from; s < srcExtSeq; s++) {
                    record(s, outHighest + (s - srcHighest), RESERVED);
                }
                record(srcExtSeq, outExt, FORWARDED);
                srcHighest = srcExtSeq;
                advance(outExt, outTs, nowMs);
            }
            case KIND_OLDER -> slots[((int) srcExtSeq & mask) * STRIDE + SRC_STATE] = FORWARDED;
            case KIND_RETRANSMIT -> {
                int i = ((int) srcExtSeq & mask) * STRIDE;
                if (hasSource && p.ssrc() == srcSsrc && slots[i + KEY] == srcExtSeq) {
                    slots[i + SRC_STATE] = FORWARDED; // a reserved packet of the current source is now sent
                }
            }
            default -> {
                return false;
            }
        }
        p.setSsrc(outSsrc);
        p.setSequence(outSeq(decision));
        p.setTimestamp(outTs);
        return true;
    }

    /**
     * Pure: the header for retransmitting the packet the subscriber NACKed as {@code outSeq}; {@code p} is
     * the source packet fetched (from the ring of {@link #sourceSsrcFor}) by {@link #sourceSeqFor}. The
     * output sequence is {@code outSeq} and the timestamp uses the offset of the segment the packet
     * belongs to, so packets sent before a switch are repaired too. Drops when {@code p} is not the
     * source packet behind {@code outSeq}, or while paused.
     */
    public long decideRetransmitAt(RtpPacket p, int outSeq) {
        if (paused || !started) {
            return pack(DROP_TOO_OLD, 0, 0, 0);
        }
        long outExt = extendOut(outSeq);
        int i = ((int) outExt & mask) * STRIDE;
        if (slots[outsAt + i + KEY] != outExt || (int) slots[outsAt + i + OUT_SSRC] != p.ssrc()
                || ((slots[outsAt + i + OUT_SRC] ^ p.sequence()) & 0xffff) != 0) {
            return pack(DROP_TOO_OLD, 0, 0, 0);
        }
        return pack(FORWARD, KIND_RETRANSMIT, outSeq, p.timestamp() + slots[outsAt + i + OUT_TS_OFFSET]);
    }

    /**
     * Maps a sequence number from the subscriber's NACK to the source's extended sequence number, or
     * {@link #UNKNOWN} when it is outside the window or was never given out (reserved numbers of lost
     * packets count as given). Numbers given out before a switch map to the old source.
     */
    public long sourceSeqFor(int outSeq) {
        if (!started) {
            return UNKNOWN;
        }
        long outExt = extendOut(outSeq);
        int i = ((int) outExt & mask) * STRIDE;
        if (slots[outsAt + i + KEY] != outExt) {
            return UNKNOWN;
        }
        return slots[outsAt + i + OUT_SRC];
    }

    /** The source SSRC behind output sequence {@code outSeq}; meaningful when {@link #sourceSeqFor} knows it. */
    public int sourceSsrcFor(int outSeq) {
        return (int) slots[outsAt + ((int) extendOut(outSeq) & mask) * STRIDE + OUT_SSRC];
    }

    /** {@code outSeq} (16 bits) extended to 64 bits next to the newest output sequence. */
    public long extendOut(int outSeq) {
        return outHighest + (short) ((outSeq & 0xffff) - (int) outHighest);
    }

    /** Whether a {@link #decide} result starts a new segment (first packet, after a switch or a resume). */
    public static boolean isResync(long decision) {
        return ((decision >>> 56) & 0x0f) == KIND_RESYNC && isForward(decision);
    }

    /** The current source SSRC (meaningful once a packet was forwarded). */
    public int sourceSsrc() {
        return srcSsrc;
    }

    /** Extended output sequence of the newest forwarded packet. */
    public long outHighest() {
        return outHighest;
    }

    public static int action(long decision) {
        return (int) (decision >>> 48) & 0xff;
    }

    public static boolean isForward(long decision) {
        return action(decision) == FORWARD;
    }

    public static int outSeq(long decision) {
        return (int) (decision >>> 32) & 0xffff;
    }

    public static long outTimestamp(long decision) {
        return decision & 0xffffffffL;
    }

    private static long pack(int action, int kind, long seq, long ts) {
        return ((long) kind << 56) | ((long) action << 48) | ((seq & 0xffff) << 32) | (ts & 0xffffffffL);
    }

    private void advance(long outExt, long outTs, long nowMs) {
        outHighest = outExt;
        outHighestTs = outTs & 0xffffffffL;
        lastWallMs = nowMs;
        started = true;
    }

    private void record(long srcSeq, long out, byte state) {
        int i = ((int) srcSeq & mask) * STRIDE;
        slots[i + KEY] = srcSeq;
        slots[i + SRC_OUT] = out;
        slots[i + SRC_STATE] = state;
        if (state != DROPPED) {
            int j = ((int) out & mask) * STRIDE;
            slots[outsAt + j + KEY] = out;
            slots[outsAt + j + OUT_SRC] = srcSeq;
            slots[outsAt + j + OUT_SSRC] = srcSsrc;
            slots[outsAt + j + OUT_TS_OFFSET] = tsOffset;
        }
    }

    /** A new segment: the source window restarts; the output window keeps older segments for NACKs. */
    private void clearSourceWindow() {
        for (int r = 0; r < outsAt; r += STRIDE) {
            slots[r + KEY] = EMPTY;
        }
    }
}
