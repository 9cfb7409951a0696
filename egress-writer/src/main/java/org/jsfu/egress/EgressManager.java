package org.jsfu.egress;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsfu.core.media.RtpTap;
import org.jsfu.core.room.MediaLoop;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.RoomEgress;
import org.jsfu.core.room.RoomListener;
import org.jsfu.core.room.RoomManager;
import org.jsfu.core.room.Sids;
import org.jsfu.core.room.TrackInfo;
import org.jsfu.core.room.TrackType;
import org.jsfu.egress.template.FilepathTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Track egress of this node: StartTrackEgress / ListEgress / StopEgress and the rooms' AutoTrackEgress.
 * Add it as a RoomListener after the media plane. Thread-safe; room state is only read on room loops.
 */
public final class EgressManager implements RoomListener {
    private static final Logger log = LoggerFactory.getLogger(EgressManager.class);

    /** Attaches and detaches taps on published tracks, on the room's loop (MediaPlane addTap/removeTap). */
    public interface TapAttacher {
        boolean addTap(Room room, String trackSid, RtpTap tap);

        /** Detaches {@code tap}; false when the track (or room) has already gone. */
        boolean removeTap(Room room, String trackSid, RtpTap tap);
    }

    /** Status changes, in order per egress, on the egress's I/O thread; must not block. */
    @FunctionalInterface
    public interface Listener {
        void onEgressUpdate(EgressInfo info);
    }

    /** Why a start was refused. */
    public static final class EgressException extends RuntimeException {
        public enum Code { NOT_FOUND, INVALID, UNSUPPORTED }

        private final Code code;

        public EgressException(Code code, String msg) {
            super(msg, null, false, false);
            this.code = code;
        }

        public Code code() { return code; }
    }

    /** Finished egresses stay listed this long. */
    static final long HISTORY_NANOS = 24L * 3600 * 1_000_000_000L;

    private final RoomManager rooms;
    private final TapAttacher taps;
    private final EgressSinks.Factory sinks;
    private final long utcOffsetNanos;
    /** Egresses that have not ended: each holds its recorder, tap, upload and I/O queue. */
    private final Map<String, TrackEgress> byId = new ConcurrentHashMap<>();
    /**
     * Ended egresses, kept only as their final EgressInfo for ListEgress ({@link #HISTORY_NANOS}): the ended
     * TrackEgress (recorder ring, page buffer, sink, its room's detach hook) is released as soon as it ends.
     */
    private final Map<String, EgressInfo> ended = new ConcurrentHashMap<>();
    /** Egresses of a killed process finished by recovery at start (terminal; listed like the others). */
    private final Map<String, EgressInfo> recovered = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> autoStarted = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean draining;
    /** Rooms with a recording left to the next start's recovery (only during shutdown). */
    private final Set<String> roomsLeftToRecovery = ConcurrentHashMap.newKeySet();
    private final Map<MediaLoop, LoopTicker> tickers = new ConcurrentHashMap<>();
    /**
     * Threads for every egress's I/O (each egress runs its tasks in order through a {@link SerialExecutor}):
     * at most {@link #IO_POOL_THREADS}, so 1,000 egresses starting at once queue their file opens instead of
     * starting 1,000 threads (which starved the media loops in EgressBench); a thread starts only when none is
     * free ({@link IoPool}), idle threads end after 60 s.
     */
    private final ThreadPoolExecutor ioPool = new IoPool(IO_POOL_THREADS, 60, r -> {
        Thread t = new Thread(r, "egress-io-" + IO_THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    static final int IO_POOL_THREADS = 16;
    private static final AtomicInteger IO_THREADS = new AtomicInteger();
    /**
     * Waits before the next attempt of a failed upload commit and then hands it to the egress's I/O queue (no
     * pool thread is held while waiting); its one thread starts at the first retry and ends when idle.
     */
    private final ScheduledThreadPoolExecutor retryTimer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "egress-retry-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile CommitRetryPolicy commitRetry = CommitRetryPolicy.DEFAULT;

    public EgressManager(RoomManager rooms, TapAttacher taps, EgressSinks.Factory sinks) {
        this.rooms = rooms;
        this.taps = taps;
        this.sinks = sinks;
        Instant now = Instant.now();
        this.utcOffsetNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        retryTimer.setRemoveOnCancelPolicy(true);
        retryTimer.setKeepAliveTime(60, TimeUnit.SECONDS);
        retryTimer.allowCoreThreadTimeOut(true);
    }

    /**
     * How a running server retries an upload whose commit failed ({@link CommitRetryPolicy#DEFAULT}: 2 s doubling
     * to 30 s for 10 minutes); applies to commits that fail from now on. Returns this.
     */
    public EgressManager commitRetry(CommitRetryPolicy policy) {
        this.commitRetry = java.util.Objects.requireNonNull(policy);
        return this;
    }

    CommitRetryPolicy commitRetry() { return commitRetry; }

    /** Runs {@code task} (which must not block: it hands work to an I/O queue) after {@code delayMs}. */
    ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return retryTimer.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    public void addListener(Listener l) { listeners.add(l); }

    EgressSinks.Factory sinks() { return sinks; }

    /** The shared 20 ms ticker of a media loop. */
    Executor ioPool() { return ioPool; }

    LoopTicker ticker(MediaLoop loop) { return tickers.computeIfAbsent(loop, LoopTicker::new); }

    /** System.nanoTime() to UTC epoch ns, with one offset captured at construction. */
    long utcNanos(long nanoTime) { return nanoTime + utcOffsetNanos; }

    void notifyListeners(EgressInfo info) {
        for (Listener l : listeners) {
            try {
                l.onEgressUpdate(info);
            } catch (RuntimeException e) {
                log.warn("egress listener failed egressId={}", info.egressId(), e);
            }
        }
    }

    /**
     * StartTrackEgress: records the published audio track {@code trackSid} of {@code roomName}. Fails with
     * EgressException (NOT_FOUND for the room or track, UNSUPPORTED for video) or RoomException.
     */
    public CompletableFuture<EgressInfo> startTrackEgress(String roomName, String trackSid, EgressOutput output) {
        if (trackSid == null || trackSid.isEmpty()) {
            return CompletableFuture.failedFuture(new EgressException(EgressException.Code.INVALID, "track_id is required"));
        }
        Room room = rooms.room(roomName);
        if (room == null) {
            return CompletableFuture.failedFuture(new EgressException(EgressException.Code.NOT_FOUND, "room not found"));
        }
        return room.loop().submit(() -> {
            if (room.closed()) {
                throw new EgressException(EgressException.Code.NOT_FOUND, "room not found");
            }
            Participant p = room.publisherOf(trackSid);
            if (p == null) {
                throw new EgressException(EgressException.Code.NOT_FOUND, "track not found");
            }
            TrackInfo t = p.publishedTrack(trackSid);
            if (t.type() != TrackType.AUDIO) {
                throw new EgressException(EgressException.Code.UNSUPPORTED, "only audio track egress is supported");
            }
            TrackEgress e = start(room, p, t, output, output.filepath(), false);
            if (e == null) {
                throw new EgressException(EgressException.Code.NOT_FOUND, "track has no media");
            }
            return e.info();
        });
    }

    /** Runs on the room loop. Returns null when no tap could be attached. */
    private TrackEgress start(Room room, Participant p, TrackInfo t, EgressOutput output, String template,
                              boolean auto) {
        prune(HISTORY_NANOS);
        String id = Sids.random("EG_");
        long now = utcNanos(System.nanoTime());
        EgressInfo info = new EgressInfo(id, room.sid(), room.name(), t.sid(), p.identity(), EgressStatus.STARTING,
                0, 0, now, "", "", output, auto, null);
        FilepathTemplate.Values v = new FilepathTemplate.Values(room.name(), room.sid(), t.sid(), t.type().name(),
                t.source().name(), p.identity(), 0, 0);
        TrackEgress e = new TrackEgress(this, room.loop(), info, v, template, t.mimeType(),
                t.type().name().toLowerCase(java.util.Locale.ROOT), t.source().name());
        String trackSid = t.sid();
        e.onDetach(() -> taps.removeTap(room, trackSid, e));
        if (!taps.addTap(room, trackSid, e)) {
            log.warn("egress not started, no media for track room={} track={}", room.name(), t.sid());
            return null;
        }
        byId.put(id, e);
        e.done.whenComplete((i, err) -> {
            EgressInfo last = i != null ? i : e.info();
            ended.put(id, last); // before it leaves byId: ListEgress (byId, then ended) never misses it
            byId.remove(id, e);
            log.info("egress ended egressId={} status={}", id, last.status());
        });
        log.info("egress starting egressId={} room={} identity={} track={} auto={}", id, room.name(), p.identity(),
                t.sid(), auto);
        e.start();
        return e;
    }

    /** StopEgress: ends the recording now; answers the ENDING info (NOT_FOUND when unknown or finished). */
    public CompletableFuture<EgressInfo> stopEgress(String egressId) {
        TrackEgress e = byId.get(egressId);
        if (e == null || e.info().status().terminal()) {
            return CompletableFuture.failedFuture(new EgressException(EgressException.Code.NOT_FOUND, "egress not found"));
        }
        long end = utcNanos(System.nanoTime());
        Runnable stop = () -> e.finishOnLoop(end, "StopEgress API", null);
        // always on the egress's own loop (the recorder and the track's taps are loop state), even when the
        // room has just gone; only a loop that no longer runs lets another thread finish it
        CompletableFuture<Void> posted = e.loop().<Void>submit(() -> {
            stop.run();
            return null;
        }).exceptionallyCompose(t -> {
            Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            return c instanceof RejectedExecutionException ? CompletableFuture.runAsync(stop)
                    : CompletableFuture.<Void>failedFuture(c);
        });
        return posted.thenApply(x -> {
            EgressInfo i = e.info();
            // already ENDING (its upload may be waiting to retry): that is the answer, with its own details
            return i.status().terminal() || i.status() == EgressStatus.ENDING ? i
                    : i.with(EgressStatus.ENDING, end).withDetails("StopEgress API");
        });
    }

    /**
     * A recording of a killed process that {@link org.jsfu.egress.sink.SinkRecovery} finished (or gave up
     * on): kept for ListEgress (COMPLETE or FAILED, in its room) and announced to the listeners (egress_ended),
     * except a failure of a recording already reported FAILED (one FAILED per egress; a success after it is
     * announced: the receiver learns where the recording is). Any thread; returns the EgressInfo, or null when
     * the recording has no egress id.
     */
    public EgressInfo recovered(org.jsfu.egress.sink.SinkRecovery.Recovered r) {
        if (r.owner() == null || r.owner().isEmpty()) {
            return null;
        }
        EgressInfo info = RecoveredEgress.info(r, utcNanos(System.nanoTime()));
        recovered.put(info.egressId(), info);
        if (r.failureReportedBefore()) {
            if (!r.complete()) {
                // one egress_ended FAILED per egress: the receiver has it; the files wait for a later start
                log.warn("egress recovery failed again, FAILED already reported: no egress_ended, files kept for the "
                        + "next start egressId={} error={}", info.egressId(), r.error());
                return info;
            }
            log.info("egress uploaded after it was reported FAILED: egress_ended COMPLETE follows egressId={} location={}",
                    info.egressId(), r.location());
        }
        notifyListeners(info);
        return info;
    }

    /** ListEgress: filters are optional (null or empty = any). */
    public List<EgressInfo> list(String roomName, String egressId, boolean activeOnly) {
        List<EgressInfo> out = new ArrayList<>();
        // live ones first: one that ends meanwhile is put in `ended` before it leaves byId, so it is seen in one
        // of the two (or both, with its final info from `ended`)
        Map<String, EgressInfo> all = new java.util.HashMap<>();
        for (TrackEgress e : byId.values()) {
            all.put(e.egressId(), e.info());
        }
        all.putAll(ended);
        all.putAll(recovered);
        for (EgressInfo i : all.values()) {
            if (roomName != null && !roomName.isEmpty() && !roomName.equals(i.roomName())) {
                continue;
            }
            if (egressId != null && !egressId.isEmpty() && !egressId.equals(i.egressId())) {
                continue;
            }
            if (activeOnly && i.status().terminal()) {
                continue;
            }
            out.add(i);
        }
        out.sort((a, b) -> a.egressId().compareTo(b.egressId()));
        return out;
    }

    /** An egress of this room left its recording to the next start's recovery (shutdown); before its done completes. */
    void markLeftToRecovery(String roomSid) {
        roomsLeftToRecovery.add(roomSid);
    }

    /**
     * True when shutdown left a recording of this room to the next start's recovery, which reports its
     * egress_ended then (read once {@link #roomDone} completed).
     */
    public boolean leftToRecovery(String roomSid) {
        return roomsLeftToRecovery.contains(roomSid);
    }

    /** Completes when every egress of the room has ended (uploaded, failed or aborted). */
    public CompletableFuture<Void> roomDone(String roomSid) {
        List<CompletableFuture<EgressInfo>> fs = new ArrayList<>();
        for (TrackEgress e : byId.values()) {
            if (e.info().roomId().equals(roomSid)) {
                fs.add(e.done);
            }
        }
        return CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new));
    }

    // ---- RoomListener (room loop) ----

    @Override
    public void onTrackPublished(Room room, Participant publisher, TrackInfo track) {
        RoomEgress eg = room.egress();
        if (eg == null || eg.tracks() == null || track.type() != TrackType.AUDIO) {
            return;   // video: nothing is written, no egress, no manifest
        }
        if (publisher.hidden() || publisher.permission().recorder() || "egress".equals(publisher.info().kind())) {
            return;
        }
        Set<String> seen = autoStarted.computeIfAbsent(room.sid(), k -> new HashSet<>());
        if (!seen.add(publisher.identity() + "\n" + track.sid())) {
            return;
        }
        RoomEgress.AutoTrackEgress a = eg.tracks();
        EgressOutput out = new EgressOutput(a.filepath(), a.disableManifest(), a.s3());
        try {
            start(room, publisher, track, out, FilepathTemplate.insertTrackIdForAutoEgress(a.filepath()), true);
        } catch (IllegalArgumentException e) {
            log.warn("auto egress not started room={} track={} error={}", room.name(), track.sid(), e.getMessage());
        }
    }

    /** A track sid is never published again: forget it, or a long-lived room's set grows with every publication. */
    @Override
    public void onTrackUnpublished(Room room, Participant publisher, TrackInfo track) {
        autoStarted.computeIfPresent(room.sid(), (k, seen) -> {
            seen.remove(publisher.identity() + "\n" + track.sid());
            return seen.isEmpty() ? null : seen;
        });
    }

    @Override
    public void onRoomFinished(Room room) {
        autoStarted.remove(room.sid());
        long now = utcNanos(System.nanoTime());
        for (TrackEgress e : byId.values()) {
            if (e.info().roomId().equals(room.sid())) {
                e.finishOnLoop(now, "Source closed", null);
            }
        }
    }

    /**
     * Shutdown has begun: from now on an upload that cannot be finished (S3 unreachable) keeps its spool for
     * {@link org.jsfu.egress.sink.SinkRecovery} at the next start and reports nothing (the next start does); an
     * egress waiting to retry its upload stops waiting now (its {@code done} completes, so {@link #awaitAll} does
     * not wait for the retry budget).
     */
    public void beginDrain() {
        draining = true;
        for (TrackEgress e : byId.values()) {
            e.stopRetrying();
        }
    }

    boolean draining() {
        return draining;
    }

    /**
     * Waits (at most {@code max}) for every egress to end; for shutdown. Returns how many had not ended (each
     * logged: its spool or .part file stays for recovery at the next start).
     */
    public int awaitAll(java.time.Duration max) {
        List<CompletableFuture<EgressInfo>> fs = new ArrayList<>();
        for (TrackEgress e : byId.values()) {
            fs.add(e.done);
        }
        try {
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, max.toMillis()), TimeUnit.MILLISECONDS);
            return 0;
        } catch (Exception e) {
            int left = 0;
            for (TrackEgress t : byId.values()) {
                if (!t.done.isDone()) {
                    left++;
                    log.warn("egress not finished at shutdown, kept for recovery at next start egressId={} status={}",
                            t.egressId(), t.info().status());
                }
            }
            return left;
        }
    }

    /**
     * Track egresses held in memory with their recorder, tap and upload: those that have not ended (an ended
     * one is kept only as its EgressInfo); for tests and metrics.
     */
    public int heldEgresses() {
        return byId.size();
    }

    /** Published tracks of open rooms that auto track egress has started for (one each); for tests and metrics. */
    public int autoEgressTracks() {
        int n = 0;
        for (Set<String> s : autoStarted.values()) {
            n += s.size();
        }
        return n;
    }

    /** Egresses the media loops' 20 ms tickers drive (a finished one leaves at the next tick); for tests and metrics. */
    public int tickedEgresses() {
        int n = 0;
        for (LoopTicker t : tickers.values()) {
            n += t.members();
        }
        return n;
    }

    /** Forgets finished egresses older than {@code maxAgeNanos} (ListEgress keeps recent history). */
    public void prune(long maxAgeNanos) {
        long now = utcNanos(System.nanoTime());
        ended.values().removeIf(i -> now - i.updatedAt() > maxAgeNanos);
        recovered.values().removeIf(i -> now - i.updatedAt() > maxAgeNanos);
    }

}
