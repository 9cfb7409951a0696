package org.jsfu.egress.sink;

import java.io.IOException;
import java.io.OutputStream;

/** Where recordings go: a local folder or S3. Blocking; call from the egress I/O pool. */
public interface RecordingSink {
    /** Starts writing the object {@code key}; bytes go to a local file until {@link Upload#commit}. */
    Upload begin(String key) throws IOException;

    /**
     * Like {@link #begin(String)}, with the content type known up front (an S3 multipart upload needs it
     * when it is created) and an opaque {@code owner} (the egress id) that {@link SinkRecovery} reports back
     * after a crash. Durable sinks keep a spool state so a killed process's recording can be recovered.
     */
    default Upload begin(String key, String contentType, String owner) throws IOException {
        return begin(key);
    }

    /**
     * Like {@link #begin(String, String, String)}, with {@code ownerInfo}: what the owner needs to describe
     * the recording after a crash (room, track, publisher, start time). Durable sinks keep it in the spool
     * state and {@link SinkRecovery} returns it in {@link SinkRecovery.Recovered#ownerInfo()}; no secrets.
     */
    default Upload begin(String key, String contentType, String owner, java.util.Map<String, String> ownerInfo)
            throws IOException {
        return begin(key, contentType, owner);
    }

    /**
     * egress.yaml {@code storage.generate_presigned_url}: a URL that reads the stored object {@code key}
     * without credentials for {@code expiry} (S3: a SigV4 presigned GET; a local folder: {@code file://} +
     * the absolute path, as LiveKit's local storage answers).
     */
    default String presignedLocation(String key, java.time.Duration expiry) throws IOException {
        throw new IOException("presigned URLs are not supported by " + getClass().getSimpleName());
    }

    /** Stores a small object (the manifest) in one step; returns its location. */
    String put(String key, byte[] data, String contentType) throws IOException;

    /** One object being written. */
    interface Upload {
        /** The stream the recorder writes to; each {@code flush()} reaches the local file. */
        OutputStream stream();

        /** Bytes written so far. */
        long size();

        /**
         * Closes the stream and publishes the object under its key; returns its location. After an IOException
         * it may be called again (the stream stays closed; S3 resumes from the confirmed parts).
         */
        String commit(String contentType) throws IOException;

        /** Closes the stream and discards the object. */
        void abort();

        /**
         * Before {@link #commit}: keep the spool state (marked completed) after the commit until
         * {@link #releaseState()}, so that a crash between the commit and what the owner stores beside the object
         * (the manifest) leaves {@link SinkRecovery} a state to finish it from. No-op for sinks without one.
         */
        default void holdStateAfterCommit() {
        }

        /** After a commit with {@link #holdStateAfterCommit()}: the owner is done, the state goes. */
        default void releaseState() throws IOException {
        }

        /**
         * After a failed commit whose files are kept (a durable sink): the owner has reported the recording
         * FAILED. Recorded in the spool state, so that {@link SinkRecovery} at a later start tells
         * ({@link SinkRecovery.Recovered#failureReportedBefore()}) and the failure is not reported again.
         */
        default void failureReported() throws IOException {
        }
    }
}
