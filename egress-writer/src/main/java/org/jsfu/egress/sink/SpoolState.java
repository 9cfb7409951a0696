package org.jsfu.egress.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The small JSON file kept beside a recording's spool ({@code <id>.json} in the spool folder) so that a
 * restarted process can finish what a killed one left: the object key, where it goes, and for S3 the
 * multipart upload id and the parts S3 confirmed. Credentials are stored only when the sink was told to
 * (the request carried its own keys); otherwise recovery takes them from the configuration. Written to a
 * temporary file, fsynced and renamed, so it is always either the old or the new version.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
final class SpoolState {
    static final String KIND_S3 = "s3";
    static final String KIND_LOCAL = "local";
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public int version = 1;
    /** "s3" or "local". */
    public String kind;
    /** Object key (S3) or cleaned key under the storage folder (local). */
    public String key;
    /** Opaque id given by the caller (the egress id), returned by recovery. */
    public String owner;
    /** What the owner stored to describe the recording after a crash (room, track, publisher...); no secrets. */
    public Map<String, String> ownerInfo;
    public String contentType;
    /** S3: file name of the spool in the spool folder; local: absolute path of the .part file. */
    public String spool;
    /** Local: absolute path of the final file. */
    public String target;
    public long pid;
    /** Start instant of the writing process (ISO-8601), to tell a reused pid from the writer. */
    public String processStart;
    public long createdAtMillis;
    /** Set once the object is complete (S3 confirmed / renamed); the files are then only being removed. */
    public boolean completed;
    public long completedSize;
    public String location;
    /**
     * The owner reported this recording FAILED (egress_ended) while its files were kept: a failed upload at
     * the end of the recording, or an earlier recovery S3 refused. Recovery does not report a failure again.
     */
    public boolean failureReported;

    public String endpoint;
    public String region;
    public String bucket;
    public boolean forcePathStyle;
    public String contentDisposition;
    public Map<String, String> metadata;
    public Map<String, String> tagging;
    /** Only with {@link S3Sink#storeCredentialsInSpool}. */
    public String accessKey;
    public String secret;
    public String sessionToken;

    public String uploadId;
    public List<PartDone> parts = new ArrayList<>();

    /** One part S3 confirmed; part n covers bytes [(n-1)·partSize, (n-1)·partSize + size) of the spool. */
    public static final class PartDone {
        public int number;
        public String etag;
        public long size;

        public PartDone() {}

        PartDone(int number, String etag, long size) {
            this.number = number;
            this.etag = etag;
            this.size = size;
        }
    }

    static void stampProcess(SpoolState s) {
        ProcessHandle self = ProcessHandle.current();
        s.pid = self.pid();
        s.processStart = self.info().startInstant().map(Object::toString).orElse(null);
        s.createdAtMillis = System.currentTimeMillis();
    }

    /** True when the process that wrote this state is still running (this one included). */
    boolean writerAlive() {
        ProcessHandle self = ProcessHandle.current();
        ProcessHandle h = pid == self.pid() ? self : ProcessHandle.of(pid).orElse(null);
        if (h == null || !h.isAlive()) return false;
        // a restarted container often gets the same pid: the start instant tells the processes apart
        return processStart == null || h.info().startInstant().map(Object::toString).orElse("").equals(processStart);
    }

    /** True when this process wrote the state. */
    boolean writtenByThisProcess() {
        return pid == ProcessHandle.current().pid() && writerAlive();
    }

    synchronized void write(Path file) throws IOException {
        byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        if (secret != null) { // keys kept on purpose: readable by the owner only
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the folder's permissions are all there is
            }
        }
        try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
            out.write(json);
            out.getChannel().force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static SpoolState read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), SpoolState.class);
    }
}
