package org.jsfu.egress;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jsfu.egress.sink.SinkRecovery;

/**
 * What a track egress stores in its spool state when its file is opened ({@code ownerInfo}, no secrets), and
 * the EgressInfo rebuilt from it when {@link SinkRecovery} finishes the recording of a killed process: room,
 * track, publisher and the file's exact start, so the egress_ended webhook and ListEgress read as they would
 * have without the crash.
 */
public final class RecoveredEgress {
    static final String ROOM_ID = "roomId";
    static final String ROOM_NAME = "roomName";
    static final String TRACK_ID = "trackId";
    static final String PUBLISHER = "publisherIdentity";
    static final String TRACK_KIND = "trackKind";
    static final String TRACK_SOURCE = "trackSource";
    static final String FILE_STARTED_AT = "fileStartedAtNanos";
    static final String FILEPATH = "filepath";
    /** FileInfo.filename: the storage path without egress.yaml's storage.prefix (the spool keeps the full key). */
    static final String FILENAME = "filename";
    static final String DISABLE_MANIFEST = "disableManifest";
    static final String AUTO = "auto";
    /** The {@code details} of a recovered egress. */
    public static final String DETAILS = "recovered after restart";

    private RecoveredEgress() {}

    /** The description kept beside the recording; {@code fileStartUtc} = FileInfo.started_at (ns). */
    static Map<String, String> ownerInfo(EgressInfo info, String filename, String trackKind, String trackSource,
                                         long fileStartUtc) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(FILENAME, filename);
        m.put(ROOM_ID, info.roomId());
        m.put(ROOM_NAME, info.roomName());
        m.put(TRACK_ID, info.trackSid());
        m.put(PUBLISHER, info.publisherIdentity());
        m.put(TRACK_KIND, trackKind);
        m.put(TRACK_SOURCE, trackSource);
        m.put(FILE_STARTED_AT, Long.toString(fileStartUtc));
        m.put(FILEPATH, info.output().filepath());
        m.put(DISABLE_MANIFEST, Boolean.toString(info.output().disableManifest()));
        m.put(AUTO, Boolean.toString(info.auto()));
        m.values().removeIf(v -> v == null);
        return m;
    }

    /**
     * The final EgressInfo of a recovered recording: COMPLETE with its file result (and the error of a manifest
     * that could not be stored, as a live egress reports it), else FAILED with the error. The file ends where its
     * recovered audio ends (start + duration) when the duration is known.
     * Recordings from before this information was stored come back with empty room and track fields.
     */
    public static EgressInfo info(SinkRecovery.Recovered r, long nowUtcNanos) {
        Map<String, String> m = r.ownerInfo();
        long started = parse(m.get(FILE_STARTED_AT), r.startedAtMillis() * 1_000_000L);
        long duration = Math.max(0, r.durationNanos());
        long ended = r.complete() && r.durationNanos() >= 0 ? started + duration : nowUtcNanos;
        EgressInfo.FileResult file = r.complete()
                ? new EgressInfo.FileResult(m.getOrDefault(FILENAME, r.key()), r.location(), Math.max(0, r.sizeBytes()), started, ended, duration)
                : null;
        EgressOutput out = new EgressOutput(m.getOrDefault(FILEPATH, r.key()),
                Boolean.parseBoolean(m.getOrDefault(DISABLE_MANIFEST, "true")), null);
        return new EgressInfo(r.owner(), m.getOrDefault(ROOM_ID, ""), m.getOrDefault(ROOM_NAME, ""),
                m.getOrDefault(TRACK_ID, ""), m.getOrDefault(PUBLISHER, ""),
                r.complete() ? EgressStatus.COMPLETE : EgressStatus.FAILED, started, ended, nowUtcNanos,
                r.error(), DETAILS, out, Boolean.parseBoolean(m.get(AUTO)), file);
    }

    /**
     * The {@code <egress_id>.json} manifest a recovered recording stores beside its file, as the egress would have
     * at its commit ({@link TrackEgress}): for a complete recording with an egress id whose output did not disable
     * the manifest. Recordings from before the owner info was stored have none (their room and track are unknown).
     *
     * @param utcNanos now (unix ns): the end of a recording whose duration is unknown, as {@link #info} has it
     */
    public static SinkRecovery.Companions manifests(LongSupplier utcNanos) {
        return r -> {
            Map<String, String> m = r.ownerInfo();
            if (!r.complete() || r.owner() == null || r.owner().isEmpty()
                    || Boolean.parseBoolean(m.getOrDefault(DISABLE_MANIFEST, "true"))) {
                return List.of();
            }
            EgressInfo i = info(r, utcNanos.getAsLong());
            Manifest mf = new Manifest(i.egressId(), i.roomId(), i.roomName(), i.startedAt(), i.endedAt(),
                    i.publisherIdentity(), i.trackSid(), m.get(TRACK_KIND), m.get(TRACK_SOURCE),
                    List.of(new Manifest.FileEntry(i.file().filename(), i.file().location())));
            return List.of(new SinkRecovery.Companion(i.egressId() + ".json", mf.toJson(), "application/json"));
        };
    }

    private static long parse(String s, long dflt) {
        try {
            return s == null ? dflt : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
