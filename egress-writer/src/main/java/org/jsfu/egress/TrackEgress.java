package org.jsfu.egress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jsfu.core.media.RtpTap;
import org.jsfu.core.room.MediaLoop;
import org.jsfu.egress.sink.RecordingSink;
import org.jsfu.egress.sink.UploadRejectedException;
import org.jsfu.egress.template.FilepathTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One track egress. The {@link TrackRecorder} runs on the room's loop (it is fed by the tap there) and
 * writes to memory; completed Ogg pages are handed to this egress's own I/O thread, which owns the sink's
 * upload, changes the status and notifies the listener (so status events of one egress are ordered).
 */
final class TrackEgress implements RtpTap, LoopTicker.Member {
    private static final Logger log = LoggerFactory.getLogger(TrackEgress.class);
    /** How long the first packets are held to find the least delayed one (the start anchor). */
    static final long ANCHOR_WINDOW_NANOS = 500_000_000L;

    private final EgressManager manager;
    private final MediaLoop loop;
    private final FilepathTemplate.Values values;
    private final String template;
    private final String extension;
    private final String trackKind;
    private final String trackSource;
    /** This egress's I/O, in order, on the manager's shared pool. */
    private final Executor io;
    final CompletableFuture<EgressInfo> done = new CompletableFuture<>();

    // room-loop state
    private final ByteArrayOutputStream mem = new ByteArrayOutputStream(4096); // grows to a page (~4 KB/s)
    private final TrackRecorder recorder;
    private boolean keyed;
    private final StartupBuffer startup = new StartupBuffer();
    private boolean finished;
    private Runnable detach = () -> { };

    // I/O-thread state
    private volatile EgressInfo info;
    private RecordingSink sink;
    private RecordingSink.Upload upload;
    private boolean failed;
    /**
     * The upload could not be finished (S3 unreachable after the sink's retries): the recording is not thrown
     * away; while a retry is pending, and when the retries are spent or shutdown stops them, its spool and state
     * stay (SinkRecovery uploads and reports it at the next start).
     */
    private boolean spoolKept;
    // the commit and its retries (CommitRetryPolicy)
    private long endUtc;
    private long samples;
    private long commitStartNanos;
    private int commitAttempts;
    /** The wait before the next commit attempt; cancelled by shutdown ({@link #stopRetrying}). */
    private volatile java.util.concurrent.ScheduledFuture<?> retryTask;

    TrackEgress(EgressManager manager, MediaLoop loop, EgressInfo initial, FilepathTemplate.Values values,
                String template, String mimeType, String trackKind, String trackSource) {
        this.manager = manager;
        this.loop = loop;
        this.info = initial;
        this.values = values;
        this.template = template;
        this.extension = FilepathTemplate.extensionFor(mimeType);
        this.trackKind = trackKind;
        this.trackSource = trackSource;
        TrackRecorder.Options o = new TrackRecorder.Options();
        o.padToWholeSecond = true;
        o.red = mimeType != null && mimeType.toLowerCase(java.util.Locale.ROOT).endsWith("/red");
        this.recorder = new TrackRecorder(mem, o, initial.egressId());
        this.io = new SerialExecutor(manager.ioPool());
    }

    EgressInfo info() { return info; }

    /** The room loop that owns this egress's recorder and tap. */
    MediaLoop loop() { return loop; }

    /** What removes this tap from its track; run on the room loop when the egress ends. */
    void onDetach(Runnable detach) { this.detach = detach; }

    @Override
    public String egressId() { return info.egressId(); }

    /** On the room loop, after the tap is attached: announces STARTING and joins the loop's 20 ms ticker. */
    void start() {
        io.execute(() -> manager.notifyListeners(info));
        manager.ticker(loop).add(this);
    }

    /** On the room loop, every 20 ms (LoopTicker) until finished. */
    @Override
    public void tick() {
        long now = manager.utcNanos(System.nanoTime());
        if (startup.holding() && now - startup.firstArrival() >= ANCHOR_WINDOW_NANOS) {
            replayStartup();
        }
        try {
            recorder.tick(now);
        } catch (IOException e) {
            // memory stream: not reachable
        }
        drain();
    }

    /** On the room loop: the recording ended (the ticker drops it). */
    @Override
    public boolean finished() { return finished; }

    @Override
    public void onRtp(byte[] b, int off, int len, long extTimestamp, long extSeq, long nowNanos) {
        if (finished) {
            return;
        }
        long arrival = manager.utcNanos(nowNanos);
        if (!startup.done()) {
            startup.add(b, off, len, extTimestamp, extSeq, arrival);
            if (arrival - startup.firstArrival() >= ANCHOR_WINDOW_NANOS) {
                replayStartup();
            }
            return;
        }
        feed(b, off, len, extTimestamp, extSeq, arrival);
    }

    /**
     * The first packets often arrive in a burst after the connection is set up, the first one late. The
     * file is anchored on the least delayed packet of the first 500 ms: the first packet is replayed with
     * the earliest arrival consistent with the RTP timestamps of the others.
     */
    private void replayStartup() {
        StartupBuffer s = startup;
        long anchor = s.anchorArrival();
        for (int i = 0; i < s.count(); i++) {
            feed(s.payload(i), 0, s.payload(i).length, s.ts(i), s.seq(i), i == 0 ? anchor : s.arrival(i));
        }
        s.release();
    }

    private void feed(byte[] b, int off, int len, long extTimestamp, long extSeq, long arrival) {
        try {
            recorder.onRtp(b, off, len, extTimestamp, extSeq, arrival);
        } catch (IOException e) {
            return;
        }
        if (!keyed && recorder.started()) {
            keyed = true;
            long start = recorder.fileStartWallClockNanos();
            FilepathTemplate.Values v = new FilepathTemplate.Values(values.roomName(), values.roomId(),
                    values.trackId(), values.trackType(), values.trackSource(), values.publisherIdentity(), start, 0);
            String key;
            try {
                key = FilepathTemplate.resolve(template, v, extension);
            } catch (IllegalArgumentException e) {
                finishOnLoop(arrival, null, e.getMessage());
                return;
            }
            io.execute(() -> begin(key, start));
        }
        drain();
    }

    @Override
    public void onMute(boolean muted, long nowNanos) {
        if (finished) {
            return;
        }
        try {
            recorder.onMute(muted, manager.utcNanos(nowNanos));
        } catch (IOException ignored) {
            // memory stream
        }
        drain();
    }

    @Override
    public void onClose(long nowNanos) {
        finishOnLoop(manager.utcNanos(nowNanos), "Source closed", null);
    }

    /** On the room loop: fails this egress now (an internal error on the loop). */
    @Override
    public void failOnLoop(String error) {
        try {
            finishOnLoop(manager.utcNanos(System.nanoTime()), null, error);
        } catch (RuntimeException e) {
            finished = true; // it cannot even finish: at least stop ticking and taking packets
            throw e;
        }
    }

    /** Ends the recording at {@code endUtc}; on the room loop. {@code error} non-null fails the egress. */
    void finishOnLoop(long endUtc, String reason, String error) {
        if (finished) {
            return;
        }
        if (startup.holding() && error == null) {
            replayStartup();
        }
        finished = true;
        detach.run();
        boolean started = keyed;
        if (started && error == null) {
            try {
                recorder.close(endUtc);
            } catch (IOException ignored) {
                // memory stream
            }
            drain();
        }
        long samples = recorder.playableSamples();
        io.execute(() -> end(started, endUtc, samples, reason, error));
    }

    private void drain() {
        if (mem.size() == 0 || !keyed) {
            return;
        }
        byte[] chunk = mem.toByteArray();
        mem.reset();
        io.execute(() -> append(chunk));
    }

    // ---- I/O thread ----

    private void begin(String key, long startUtc) {
        try {
            sink = manager.sinks().open(info.output());
            upload = sink.begin(key, "audio/ogg", info.egressId(),
                    RecoveredEgress.ownerInfo(info, key, trackKind, trackSource, startUtc));
        } catch (IOException | RuntimeException e) {
            fail("cannot start upload: " + e.getMessage());
            return;
        }
        info = info.withFile(new EgressInfo.FileResult(key, "", 0, startUtc, 0, 0))
                .withTimes(startUtc, 0).with(EgressStatus.ACTIVE, manager.utcNanos(System.nanoTime()));
        log.info("egress active egressId={} key={}", info.egressId(), key);
        manager.notifyListeners(info);
    }

    private void append(byte[] chunk) {
        if (failed || upload == null) {
            return;
        }
        try {
            upload.stream().write(chunk);
        } catch (IOException e) {
            fail("write failed: " + e.getMessage());
        }
    }

    private void fail(String error) {
        if (failed) {
            return;
        }
        failed = true;
        if (upload != null && !spoolKept) {
            upload.abort();
        }
        log.warn("egress failed egressId={} commitAttempts={} error={}", info.egressId(), commitAttempts, error);
        info = info.withError(error);
        // stop recording and detach the tap; a no-op when the loop already finished this egress
        long at = now();
        try {
            loop.post(() -> finishOnLoop(at, null, error));
        } catch (RuntimeException loopClosed) {
            // the room's loop is gone: so is the track and its tap
        }
    }

    private void end(boolean started, long endUtc, long samples, String reason, String error) {
        boolean retrying = false;
        try {
            if (error != null) {
                fail(error);
            }
            if (!failed && started) {
                info = info.withDetails(reason).with(EgressStatus.ENDING, now());
                manager.notifyListeners(info);
                this.endUtc = endUtc;
                this.samples = samples;
                commitStartNanos = System.nanoTime();
                retrying = complete();
                if (retrying) {
                    return; // ENDING until a later attempt succeeds, the budget is spent or shutdown stops it
                }
            }
            reportEnd(started, endUtc, reason);
        } finally {
            if (!retrying) {
                finish();
            }
        }
    }

    /**
     * Completes {@link #done}. A recording left to the next start's recovery (shutdown stopped its upload or its
     * retries; no egress_ended now) is first reported to the manager, so its room's room_finished can be kept for
     * the next start too, to follow the recovered egress_ended.
     */
    private void finish() {
        if (spoolKept && !failed) {
            manager.markLeftToRecovery(info.roomId());
        }
        done.complete(info);
    }

    /** After the last commit attempt: egress_ended, except for a spool kept at shutdown (the next start reports it). */
    private void reportEnd(boolean started, long endUtc, String reason) {
        if (started && spoolKept && !failed) {
            return;
        }
        EgressInfo last;
        if (failed) {
            if (spoolKept && upload != null) { // before the report: a later start's recovery reports no failure again
                try {
                    upload.failureReported();
                } catch (IOException | RuntimeException e) {
                    log.warn("spool state not marked reported, the next start may report FAILED again egressId={} error={}",
                            info.egressId(), e.toString());
                }
            }
            last = info.withTimes(info.startedAt(), endUtc).with(EgressStatus.FAILED, now());
        } else if (!started) {
            last = info.withDetails(reason == null ? "ended before any media" : reason + " before any media")
                    .withTimes(info.startedAt(), endUtc).with(EgressStatus.ABORTED, now());
        } else {
            last = info;
        }
        info = last;
        manager.notifyListeners(last);
    }

    /** On the I/O thread when the wait before another commit attempt is over. */
    private void retryCommit() {
        if (done.isDone()) {
            return; // shutdown stopped the wait
        }
        boolean retrying = false;
        try {
            if (manager.draining()) {
                log.info("egress upload retry stopped by shutdown, recording kept for recovery at next start egressId={}",
                        info.egressId());
                return;
            }
            retrying = complete();
            if (!retrying) {
                reportEnd(true, endUtc, null);
            }
        } finally {
            if (!retrying) {
                finish();
            }
        }
    }

    /** Waits {@code delayMs} without holding a pool thread, then tries the commit again on this egress's I/O queue. */
    private void scheduleRetry(long delayMs) {
        retryTask = manager.schedule(() -> io.execute(this::retryCommit), delayMs);
        if (manager.draining()) {
            stopRetrying(); // shutdown began after the check in complete(): do not wait for the delay
        }
    }

    /**
     * Any thread (shutdown): an egress waiting to retry its upload stops waiting; its spool stays for recovery at
     * the next start, no egress_ended is sent and {@link #done} completes now. An attempt already running is left
     * to finish on the I/O thread (it keeps the spool if it fails while draining).
     */
    void stopRetrying() {
        java.util.concurrent.ScheduledFuture<?> t = retryTask;
        if (t != null && t.cancel(false)) {
            log.info("egress upload retry stopped by shutdown, recording kept for recovery at next start egressId={}",
                    info.egressId());
            finish();
        }
    }

    /**
     * One commit attempt (the first from {@link #end}, the others from {@link #retryCommit}); true when another
     * attempt is scheduled. An IOException (S3 unreachable after the sink's own attempts) never deletes the
     * spool: a running server retries within {@link CommitRetryPolicy#budget()} and then reports FAILED; during
     * shutdown the recording is left to recovery at the next start.
     */
    private boolean complete() {
        commitAttempts++;
        EgressInfo.FileResult f = info.file();
        String location;
        boolean manifest = !info.output().disableManifest();
        if (manifest) { // a crash before the manifest is stored leaves the recovery a state to store it from
            upload.holdStateAfterCommit();
        }
        try {
            location = upload.commit("audio/ogg");
        } catch (IOException | RuntimeException e) {
            if (e instanceof IOException) {
                spoolKept = true;
                long elapsedMs = (System.nanoTime() - commitStartNanos) / 1_000_000;
                // a refusal (no such bucket, access denied) is not an outage: retrying the same request cannot help
                long delay = manager.draining() || e instanceof UploadRejectedException ? -1
                        : manager.commitRetry().delayMillis(commitAttempts, elapsedMs);
                if (delay >= 0) {
                    log.warn("egress upload failed, will retry egressId={} attempt={} nextDelayMs={} error={}",
                            info.egressId(), commitAttempts, delay, e.toString());
                    scheduleRetry(delay);
                    return true;
                }
                if (manager.draining()) { // no egress_ended now: the next start reports it
                    log.warn("egress upload not finished, recording kept for recovery at next start egressId={} attempts={} elapsedMs={} draining=true error={}",
                            info.egressId(), commitAttempts, elapsedMs, e.toString());
                } else { // a running server reports the failure once the budget is spent (fail logs it, once)
                    fail("upload failed (the recording is kept and uploaded at the next start): " + e.getMessage());
                }
                return false;
            }
            fail("upload failed: " + e.getMessage());
            return false;
        }
        spoolKept = false; // the sink deleted its spool: the object is complete
        if (commitAttempts > 1) {
            log.info("egress upload succeeded after retries egressId={} attempts={} elapsedMs={}", info.egressId(),
                    commitAttempts, (System.nanoTime() - commitStartNanos) / 1_000_000);
        }
        long duration = samples * 1_000_000_000L / 48_000;
        EgressInfo.FileResult fr = new EgressInfo.FileResult(f.filename(), location, upload.size(), f.startedAt(),
                endUtc, duration);
        info = info.withFile(fr).withTimes(info.startedAt(), endUtc);
        if (manifest) {
            String mkey = Manifest.keyBeside(f.filename(), info.egressId());
            Manifest m = new Manifest(info.egressId(), info.roomId(), info.roomName(), info.startedAt(), endUtc,
                    info.publisherIdentity(), info.trackSid(), trackKind, trackSource,
                    List.of(new Manifest.FileEntry(f.filename(), location)));
            try {
                sink.put(mkey, m.toJson(), "application/json");
            } catch (IOException | RuntimeException e) {
                // the file is there; the egress still reports it, with the manifest error
                log.warn("manifest upload failed egressId={} error={}", info.egressId(), e.toString());
                info = info.withError("manifest upload failed: " + e.getMessage());
            }
            try {
                upload.releaseState();
            } catch (IOException e) { // the next start finds it: stores the manifest again, reports COMPLETE again
                log.warn("spool state not removed after the manifest egressId={} error={}", info.egressId(), e.toString());
            }
        }
        info = info.with(EgressStatus.COMPLETE, now());
        log.info("egress complete egressId={} key={} size={} durationMs={}", info.egressId(), f.filename(),
                fr.size(), duration / 1_000_000);
        return false;
    }

    private long now() {
        return manager.utcNanos(System.nanoTime());
    }
}
