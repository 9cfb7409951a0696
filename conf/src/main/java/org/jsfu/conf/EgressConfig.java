package org.jsfu.conf;

import java.time.Duration;
import java.util.List;

/**
 * livekit-egress's egress.yaml, the parts jsfu's track egress uses. Built by {@link EgressConfigLoader}.
 *
 * @param storageDir local folder for files when a request carries no S3 upload (jsfu key
 *     {@code storage_dir}; empty = the working directory)
 * @param fileOutputMaxDuration session_limits.file_output_max_duration; {@link Duration#ZERO} = no limit
 * @param warnings unknown keys, for logging at start
 */
public record EgressConfig(
        String apiKey,
        String apiSecret,
        String wsUrl,
        ServerConfig.Redis redis,
        int healthPort,
        int templatePort,
        int prometheusPort,
        String logLevel,
        boolean logJson,
        Storage storage,
        String storageDir,
        boolean disallowLocalStorage,
        Duration fileOutputMaxDuration,
        long fileOutputMaxSize,
        String clusterId,
        boolean insecure,
        List<String> warnings) {

    public EgressConfig {
        warnings = List.copyOf(warnings);
    }

    /** storage section: default upload target for requests that do not name one; s3 null when absent. */
    public record Storage(String prefix, boolean generatePresignedUrl, S3 s3) {}

    public record S3(
            String accessKey,
            String secret,
            String sessionToken,
            String region,
            String endpoint,
            String bucket,
            boolean forcePathStyle,
            int maxRetries) {
        @Override
        public String toString() {
            return "S3[bucket=" + bucket + ", region=" + region + ", endpoint=" + endpoint + ", forcePathStyle=" + forcePathStyle + "]";
        }
    }

    @Override
    public String toString() {
        return "EgressConfig[apiKey=" + apiKey + ", wsUrl=" + wsUrl + ", healthPort=" + healthPort + ", storage=" + storage + "]";
    }
}
