package org.jsfu.conf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads {@link EgressConfig}: YAML from {@code EGRESS_CONFIG_BODY} (wins) or the file named by
 * {@code --config FILE} / {@code EGRESS_CONFIG_FILE}. {@code LIVEKIT_API_KEY}, {@code LIVEKIT_API_SECRET}
 * and {@code LIVEKIT_WS_URL} fill api_key, api_secret and ws_url when the YAML leaves them out.
 */
public final class EgressConfigLoader {
    private EgressConfigLoader() {}

    private static final Set<String> LEAVES = Set.of(
            "api_key", "api_secret", "ws_url", "health_port", "template_port", "prometheus_port", "log_level",
            "storage_dir", "disallow_local_storage", "cluster_id", "insecure", "debug",
            "redis.address", "redis.username", "redis.password", "redis.db", "redis.use_tls",
            "logging.level", "logging.json",
            "storage.prefix", "storage.generate_presigned_url",
            "storage.s3.access_key", "storage.s3.secret", "storage.s3.session_token", "storage.s3.region",
            "storage.s3.endpoint", "storage.s3.bucket", "storage.s3.force_path_style", "storage.s3.max_retries",
            "session_limits.file_output_max_duration", "session_limits.file_output_max_size");
    private static final Set<String> SECTIONS = Set.of("redis", "logging", "storage", "storage.s3", "session_limits");
    private static final Set<String> ACCEPTED = Set.of(
            "template_base", "enable_chrome_sandbox", "backup", "latency", "cpu_cost", "node_id", "location",
            "redis.sentinel_master_name", "redis.sentinel_username", "redis.sentinel_password",
            "redis.sentinel_addresses", "redis.cluster_addresses", "redis.max_redirects",
            "logging.sample", "logging.component_levels", "logging.pion_level",
            "storage.azure", "storage.gcp", "storage.alioss",
            "storage.s3.metadata", "storage.s3.tagging", "storage.s3.content_disposition", "storage.s3.proxy_config",
            "storage.s3.max_retry_delay", "storage.s3.min_retry_delay", "storage.s3.aws_log_level",
            "storage.s3.assume_role_arn", "storage.s3.assume_role_external_id",
            "session_limits.file_output_max_size", "session_limits.stream_output_max_duration",
            "session_limits.segment_output_max_duration", "session_limits.image_output_max_duration",
            "tmp_dir", "maxCpuUtilization", "max_cpu_utilization", "max_upload_queue", "disable_chrome_gpu",
            "ingress", "chrome_flags", "enable_room_composite_sdk_source", "video_encoding");

    public static EgressConfig load(String[] args, Map<String, String> env) {
        String file = env.get("EGRESS_CONFIG_FILE");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) file = args[++i];
            else if (args[i].startsWith("--config=")) file = args[i].substring("--config=".length());
        }
        String body = env.get("EGRESS_CONFIG_BODY");
        ConfigTree t;
        if (body != null && !body.isBlank()) t = ConfigTree.parse(body, "EGRESS_CONFIG_BODY");
        else if (file != null && !file.isEmpty()) t = ConfigTree.parse(ConfigLoader.readFile(file, "egress config"), "egress config " + file);
        else throw new ConfigException("egress config: set EGRESS_CONFIG_FILE, --config or EGRESS_CONFIG_BODY");
        return fromTree(t, env);
    }

    /** Parses YAML text directly (tests, embedded use). */
    public static EgressConfig parse(String yaml, Map<String, String> env) {
        return fromTree(ConfigTree.parse(yaml, "egress config"), env);
    }

    private static EgressConfig fromTree(ConfigTree t, Map<String, String> env) {
        List<String> warnings = new ArrayList<>();
        t.unknownKeys("", LEAVES, SECTIONS, ACCEPTED, warnings);
        String apiKey = required(t, "api_key", env.get("LIVEKIT_API_KEY"));
        String apiSecret = required(t, "api_secret", env.get("LIVEKIT_API_SECRET"));
        String wsUrl = required(t, "ws_url", env.get("LIVEKIT_WS_URL"));
        if (!wsUrl.matches("(?i)(ws|wss|http|https)://.+")) throw new ConfigException("ws_url: expected ws://host:port or wss://..., got \"" + wsUrl + "\"");

        ServerConfig.Redis redis = new ServerConfig.Redis(t.str("redis.address", ""), t.str("redis.username", ""),
                t.str("redis.password", ""), t.intVal("redis.db", 0, 0, 1 << 16), t.bool("redis.use_tls", false));

        EgressConfig.S3 s3 = null;
        if (t.get("storage.s3") != null) {
            s3 = new EgressConfig.S3(t.str("storage.s3.access_key", ""), t.str("storage.s3.secret", ""),
                    t.str("storage.s3.session_token", ""), t.str("storage.s3.region", ""),
                    t.str("storage.s3.endpoint", ""), t.str("storage.s3.bucket", ""),
                    t.bool("storage.s3.force_path_style", false), t.intVal("storage.s3.max_retries", 3, 0, 100));
            if (s3.bucket().isEmpty()) throw new ConfigException("storage.s3.bucket: required when storage.s3 is set");
        }
        EgressConfig.Storage storage = new EgressConfig.Storage(t.str("storage.prefix", ""),
                t.bool("storage.generate_presigned_url", false), s3);

        Duration maxDuration;
        String d = t.str("session_limits.file_output_max_duration", "");
        try {
            maxDuration = d.isEmpty() ? Duration.ZERO : GoDuration.parse(d);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("session_limits.file_output_max_duration: expected a duration like 4h or 90m, got \"" + d + "\"");
        }
        if (maxDuration.isNegative()) throw new ConfigException("session_limits.file_output_max_duration: must not be negative");

        String level = t.str("logging.level", t.str("log_level", t.bool("debug", false) ? "debug" : "info"));
        return new EgressConfig(apiKey, apiSecret, wsUrl, redis, t.port("health_port", 0), t.port("template_port", 0),
                t.port("prometheus_port", 0), level.toLowerCase(java.util.Locale.ROOT), t.bool("logging.json", false),
                storage, t.str("storage_dir", ""), t.bool("disallow_local_storage", false), maxDuration,
                t.longVal("session_limits.file_output_max_size", 0, 0, Long.MAX_VALUE), t.str("cluster_id", ""),
                t.bool("insecure", false), warnings);
    }

    private static String required(ConfigTree t, String key, String envValue) {
        String v = t.str(key, "");
        if (v.isEmpty() && envValue != null) v = envValue.trim();
        if (v.isEmpty()) throw new ConfigException(key + ": required in egress config (or env " + "LIVEKIT_" + key.toUpperCase(java.util.Locale.ROOT) + ")");
        return v;
    }
}
