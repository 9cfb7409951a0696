package org.jsfu.conf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads {@link ServerConfig} the way livekit-server does: YAML from {@code --config-body} /
 * {@code LIVEKIT_CONFIG} (wins) or {@code --config FILE}; then env vars, then flags, override it.
 * Every scalar YAML path is also a flag ({@code --rtc.tcp_port=7881}) and an env var
 * ({@code LIVEKIT_RTC_TCP_PORT}); an explicit flag beats its env var.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** Scalar paths jsfu reads; each gets a generated flag and env var. */
    static final Set<String> SCALARS = Set.of(
            "port", "prometheus_port", "region", "development", "key_file", "enable_data_tracks",
            "rtc.udp_port", "rtc.tcp_port", "rtc.port_range_start", "rtc.port_range_end", "rtc.node_ip",
            "rtc.use_external_ip", "rtc.use_ice_lite", "rtc.enable_loopback_candidate", "rtc.use_mdns",
            "rtc.allow_tcp_fallback", "rtc.packet_buffer_size",
            "redis.address", "redis.username", "redis.password", "redis.db", "redis.use_tls",
            "webhook.api_key",
            "room.auto_create", "room.empty_timeout", "room.departure_timeout", "room.max_participants",
            "room.max_metadata_size", "room.resume_timeout",
            "logging.level", "logging.json", "log_level",
            "limit.num_tracks", "limit.bytes_per_sec", "limit.max_metadata_size", "limit.max_attributes_size",
            "limit.max_room_name_length", "limit.max_participant_identity_length",
            "limit.signal_message_size_limit", "limit.max_api_request_body_size");

    /** Non-scalar leaves jsfu reads. */
    private static final Set<String> LISTS = Set.of(
            "bind_addresses", "keys", "webhook.urls", "rtc.stun_servers", "rtc.turn_servers",
            "rtc.interfaces.includes", "rtc.interfaces.excludes", "rtc.ips.includes", "rtc.ips.excludes",
            "room.enabled_codecs", "redis.cluster_addresses");

    private static final Set<String> SECTIONS = Set.of(
            "rtc", "redis", "webhook", "room", "logging", "limit", "rtc.interfaces", "rtc.ips");

    /** Keys LiveKit knows that jsfu accepts without reading (no warning). */
    private static final Set<String> ACCEPTED = Set.of(
            "prometheus", "turn", "node_selector", "signal_relay", "psrpc", "video", "audio", "agents",
            "ingress", "sip", "metric", "node_stats", "trace", "tracing", "websocket", "single_peer_connection",
            "webhook.url_notifier", "webhook.resource_url_notifier", "webhook.filter_params",
            "redis.sentinel_master_name", "redis.sentinel_username", "redis.sentinel_password",
            "redis.sentinel_addresses", "redis.max_redirects", "redis.tls",
            "room.enable_remote_unmute", "room.playout_delay", "room.sync_streams", "room.room_configurations",
            "room.max_room_name_length", "room.max_participant_identity_length", "room.create_room_enabled",
            "room.create_room_timeout_ms", "room.create_room_attempts",
            "logging.sample", "logging.pion_level", "logging.component_levels", "logging.deferred",
            "limit.subscription_limit_video", "limit.subscription_limit_audio", "limit.max_attributes_count",
            "rtc.congestion_control", "rtc.packet_buffer_size_video", "rtc.packet_buffer_size_audio",
            "rtc.pli_throttle", "rtc.strict_acks", "rtc.batch_io", "rtc.tcp_fallback_rtt_threshold",
            "rtc.min_packet_size", "rtc.max_packet_size", "rtc.datachannel_slow_threshold", "rtc.forward_stats",
            "rtc.reconnect_on_publication_error", "rtc.reconnect_on_subscription_error",
            "rtc.reconnect_on_data_channel_error", "rtc.allow_udp_unlabeled", "rtc.use_ice_lite_tcp",
            "rtc.skip_candidate_type", "rtc.ice_port_range_start", "rtc.ice_port_range_end",
            "rtc.data_channel_max_buffered_amount", "rtc.enable_data_tracks", "rtc.turn_servers_ttl",
            "rtc.client_config", "rtc.nat_1to1_ips", "rtc.external_ips");

    private static final Set<String> LEAVES;

    static {
        Set<String> l = new java.util.HashSet<>(SCALARS);
        l.addAll(LISTS);
        LEAVES = Set.copyOf(l);
    }

    /** Flags parsed from the command line (explicit values only). */
    private static final class Flags {
        String configFile, configBody, keys, keyFile, nodeIp, udpPort, redisHost, redisPassword, region;
        boolean dev, disableStrict;
        final List<String> binds = new ArrayList<>();
        final Map<String, String> generated = new LinkedHashMap<>();
    }

    public static ServerConfig load(String[] args, Map<String, String> env) {
        Flags f = parseArgs(args);
        List<String> warnings = new ArrayList<>();

        String body = f.configBody != null ? f.configBody : env.get("LIVEKIT_CONFIG");
        ConfigTree tree;
        if (body != null && !body.isBlank()) {
            tree = ConfigTree.parse(body, f.configBody != null ? "--config-body" : "LIVEKIT_CONFIG");
        } else if (f.configFile != null) {
            tree = ConfigTree.parse(readFile(f.configFile, "--config"), "config file " + f.configFile);
        } else {
            tree = ConfigTree.empty();
        }
        tree.unknownKeys("", LEAVES, SECTIONS, ACCEPTED, warnings);

        // generated env vars, then generated flags
        for (String path : SCALARS) {
            String v = env.get(envName(path));
            if (v != null && !v.isEmpty() && !f.generated.containsKey(path)) tree.set(path, v);
        }
        f.generated.forEach(tree::set);
        // named flags (flag beats env)
        override(tree, "rtc.node_ip", f.nodeIp, env.get("NODE_IP"));
        override(tree, "rtc.udp_port", f.udpPort, env.get("UDP_PORT"));
        override(tree, "redis.address", f.redisHost, env.get("REDIS_HOST"));
        override(tree, "redis.password", f.redisPassword, env.get("REDIS_PASSWORD"));
        override(tree, "region", f.region, env.get("LIVEKIT_REGION"));
        override(tree, "key_file", f.keyFile, null);
        if (f.dev) tree.set("development", "true");
        if (!f.binds.isEmpty()) tree.set("bind_addresses", new ArrayList<Object>(f.binds));
        String keysText = f.keys != null ? f.keys : env.get("LIVEKIT_KEYS");
        if (keysText != null && !keysText.isBlank()) {
            ConfigTree kt = ConfigTree.parse(keysText, f.keys != null ? "--keys" : "LIVEKIT_KEYS");
            tree.set("keys", new LinkedHashMap<String, Object>(kt.root()));
        }
        return build(tree, f.binds.isEmpty(), warnings);
    }

    private static void override(ConfigTree tree, String path, String flag, String envValue) {
        String v = flag != null ? flag : envValue;
        if (v != null && !v.isEmpty()) tree.set(path, v);
    }

    static String envName(String path) {
        return "LIVEKIT_" + path.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** True when the arguments ask for the usage text ({@code --help}, {@code -h}), as livekit-server takes them. */
    public static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-help") || a.equals("-h")) return true;
        }
        return false;
    }

    /** The usage text: the named flags, then how every livekit.yaml scalar becomes a flag and a variable. */
    public static String usage() {
        List<String> paths = new ArrayList<>(SCALARS);
        paths.sort(null);
        StringBuilder b = new StringBuilder();
        b.append("usage: java --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED \\\n")
                .append("           -jar jsfu-server.jar [flags]\n")
                .append("  (the two JVM options let the media loops send with sendmmsg; without them: one send per datagram)\n\n")
                .append("  --config FILE            livekit.yaml\n")
                .append("  --config-body YAML       the config itself (env LIVEKIT_CONFIG)\n")
                .append("  --keys \"KEY: SECRET\"     API keys (env LIVEKIT_KEYS)\n")
                .append("  --key-file FILE          API keys file, not readable by others\n")
                .append("  --dev                    development mode: API key devkey, secret secret\n")
                .append("  --bind ADDRESS           address to listen on (repeatable)\n")
                .append("  --node-ip IP             IP advertised in ICE candidates (env NODE_IP)\n")
                .append("  --udp-port PORT          single UDP port for WebRTC (env UDP_PORT)\n")
                .append("  --redis-host HOST:PORT   Redis (env REDIS_HOST); without it state stays in memory\n")
                .append("  --redis-password PW      (env REDIS_PASSWORD)\n")
                .append("  --region NAME            (env LIVEKIT_REGION)\n")
                .append("  --disable-strict-config  unknown livekit.yaml keys warn instead of failing\n")
                .append("  -h, --help               this text\n\n")
                .append("Every livekit.yaml scalar is also a flag --<path> VALUE and a variable LIVEKIT_<PATH>:\n");
        for (String p : paths) {
            b.append("  --").append(p).append("  (").append(envName(p)).append(")\n");
        }
        return b.toString();
    }

    private static final Set<String> NAMED_FLAGS = Set.of("config", "config-body", "keys", "key-file", "node-ip",
            "udp-port", "redis-host", "redis-password", "region", "bind", "dev", "disable-strict-config");

    private static Flags parseArgs(String[] args) {
        Flags f = new Flags();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) throw new ConfigException("unexpected argument \"" + a + "\"");
            String name = a.replaceFirst("^--?", "");
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!NAMED_FLAGS.contains(name) && !SCALARS.contains(name)) {
                throw new ConfigException("unknown flag --" + name);
            }
            boolean boolFlag = name.equals("dev") || name.equals("disable-strict-config") || isBoolPath(name);
            if (value == null && !boolFlag) {
                if (i + 1 >= args.length) throw new ConfigException("flag --" + name + " needs a value");
                value = args[++i];
            }
            switch (name) {
                case "config": f.configFile = value; break;
                case "config-body": f.configBody = value; break;
                case "keys": f.keys = value; break;
                case "key-file": f.keyFile = value; break;
                case "node-ip": f.nodeIp = value; break;
                case "udp-port": f.udpPort = value; break;
                case "redis-host": f.redisHost = value; break;
                case "redis-password": f.redisPassword = value; break;
                case "region": f.region = value; break;
                case "bind": f.binds.add(value); break;
                case "dev": f.dev = flagBool(name, value); break;
                case "disable-strict-config": f.disableStrict = flagBool(name, value); break;
                default:
                    f.generated.put(name, value == null ? "true" : value);
            }
        }
        return f;
    }

    private static boolean isBoolPath(String path) {
        return Set.of("development", "enable_data_tracks", "rtc.use_external_ip", "rtc.use_ice_lite",
                "rtc.enable_loopback_candidate", "rtc.use_mdns", "rtc.allow_tcp_fallback", "redis.use_tls",
                "room.auto_create", "logging.json").contains(path);
    }

    private static boolean flagBool(String name, String value) {
        if (value == null || value.equalsIgnoreCase("true")) return true;
        if (value.equalsIgnoreCase("false")) return false;
        throw new ConfigException("flag --" + name + ": expected true or false, got \"" + value + "\"");
    }

    static String readFile(String file, String what) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(what + " " + file + ": cannot read file (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    private static ServerConfig build(ConfigTree t, boolean noBindFlag, List<String> warnings) {
        boolean dev = t.bool("development", false);
        // LiveKit features a config may switch on that jsfu does not have: said once at startup, not silently ignored
        if (t.bool("turn.enabled", false)) {
            warnings.add("turn.enabled: jsfu has no embedded TURN server; run one (e.g. coturn) and list it in rtc.turn_servers");
        }
        String metricsKey = t.port("prometheus_port", 0) > 0 ? "prometheus_port"
                : t.port("prometheus.port", 0) > 0 ? "prometheus.port" : null;
        if (metricsKey != null) {
            warnings.add(metricsKey + ": jsfu serves no Prometheus metrics yet");
        }
        int port = t.intVal("port", ServerConfig.DEFAULT_PORT, 1, 65535);

        // keys: yaml map, plus key_file (must not be readable by others, as LiveKit requires)
        Map<String, String> keys = new LinkedHashMap<>(t.strMap("keys"));
        String keyFile = t.str("key_file", "");
        if (!keyFile.isEmpty()) keys.putAll(readKeyFile(keyFile));
        boolean devKeys = false;
        if (keys.isEmpty()) {
            if (!dev) throw new ConfigException("keys: no API keys configured; set keys or key_file in the config, --keys, --key-file or LIVEKIT_KEYS (or use --dev)");
            keys.put("devkey", "secret");
            devKeys = true;
        }
        for (Map.Entry<String, String> e : keys.entrySet()) {
            if (e.getKey().isBlank() || e.getValue().isEmpty()) throw new ConfigException("keys: API key \"" + e.getKey() + "\" has an empty key or secret");
            if (!dev && e.getValue().length() < 32) warnings.add("keys: secret of API key " + e.getKey() + " is shorter than 32 characters");
        }

        List<String> binds = t.strList("bind_addresses");
        if (binds.isEmpty()) binds = List.of(dev && devKeys && noBindFlag ? "127.0.0.1" : "0.0.0.0");

        ServerConfig.Rtc rtc = rtc(t);
        ServerConfig.Redis redis = new ServerConfig.Redis(t.str("redis.address", ""), t.str("redis.username", ""),
                t.str("redis.password", ""), t.intVal("redis.db", 0, 0, 1 << 16), t.bool("redis.use_tls", false));

        ServerConfig.Webhook webhook = new ServerConfig.Webhook(t.str("webhook.api_key", ""), t.strList("webhook.urls"));
        for (String u : webhook.urls()) {
            if (!u.matches("(?i)https?://[^\\s/]+.*")) throw new ConfigException("webhook.urls: \"" + u + "\" is not an http(s) URL");
        }
        if (!webhook.urls().isEmpty()) {
            if (webhook.apiKey().isEmpty()) throw new ConfigException("webhook.api_key: required when webhook.urls is set");
            if (!keys.containsKey(webhook.apiKey())) throw new ConfigException("webhook.api_key: \"" + webhook.apiKey() + "\" is not one of the configured keys");
        }

        List<ServerConfig.Codec> codecs = new ArrayList<>();
        for (ConfigTree c : t.mapList("room.enabled_codecs")) {
            String mime = c.str("mime", "");
            if (mime.isEmpty()) throw new ConfigException("room.enabled_codecs: every entry needs a mime, e.g. audio/opus");
            codecs.add(new ServerConfig.Codec(mime, c.str("fmtp_line", "")));
        }
        if (codecs.isEmpty()) {
            for (String m : List.of("audio/opus", "audio/red", "video/vp8", "video/h264", "video/vp9", "video/av1")) {
                codecs.add(new ServerConfig.Codec(m, ""));
            }
        }
        ServerConfig.Room room = new ServerConfig.Room(t.bool("room.auto_create", true),
                t.intVal("room.empty_timeout", 300, 0, Integer.MAX_VALUE),
                t.intVal("room.departure_timeout", 20, 0, Integer.MAX_VALUE),
                t.intVal("room.max_participants", 0, 0, Integer.MAX_VALUE),
                t.intVal("room.max_metadata_size", 0, 0, Integer.MAX_VALUE), codecs,
                t.intVal("room.resume_timeout", 60, 1, Integer.MAX_VALUE));

        String level = t.str("logging.level", t.str("log_level", dev ? "debug" : "info")).toLowerCase(Locale.ROOT);
        if (!Set.of("trace", "debug", "info", "warn", "error", "fatal", "panic").contains(level)) {
            throw new ConfigException("logging.level: expected debug, info, warn or error, got \"" + level + "\"");
        }
        ServerConfig.Logging logging = new ServerConfig.Logging(level, t.bool("logging.json", false));

        int max = Integer.MAX_VALUE;
        ServerConfig.Limit limit = new ServerConfig.Limit(t.intVal("limit.num_tracks", 0, 0, max),
                t.longVal("limit.bytes_per_sec", 0, 0, Long.MAX_VALUE),
                t.intVal("limit.max_metadata_size", 512 * 1024, 0, max),
                t.intVal("limit.max_attributes_size", 64 * 1024, 0, max),
                t.intVal("limit.max_room_name_length", 256, 0, max),
                t.intVal("limit.max_participant_identity_length", 256, 0, max),
                t.longVal("limit.signal_message_size_limit", 2L * 1024 * 1024, 0, Long.MAX_VALUE),
                t.longVal("limit.max_api_request_body_size", 10L * 1024 * 1024, 0, Long.MAX_VALUE));

        return new ServerConfig(port, binds, rtc, redis, keys, webhook, room, logging, limit,
                t.str("region", ""), t.port("prometheus_port", 0), dev, t.bool("enable_data_tracks", true), warnings);
    }

    private static ServerConfig.Rtc rtc(ConfigTree t) {
        int udpStart = 0, udpEnd = 0;
        String udp = t.str("rtc.udp_port", "");
        if (!udp.isEmpty() && !udp.equals("0")) {
            String[] parts = udp.split("-", -1);
            if (parts.length > 2) throw new ConfigException("rtc.udp_port: expected a port or start-end, got \"" + udp + "\"");
            udpStart = parsePort("rtc.udp_port", parts[0], udp);
            udpEnd = parts.length == 2 ? parsePort("rtc.udp_port", parts[1], udp) : udpStart;
            if (udpEnd < udpStart) throw new ConfigException("rtc.udp_port: range end " + udpEnd + " is before start " + udpStart);
        }
        int tcp = t.port("rtc.tcp_port", ServerConfig.DEFAULT_TCP_PORT);
        int rs = t.intVal("rtc.port_range_start", ServerConfig.DEFAULT_PORT_RANGE_START, 1, 65535);
        int re = t.intVal("rtc.port_range_end", ServerConfig.DEFAULT_PORT_RANGE_END, 1, 65535);
        if (re < rs) throw new ConfigException("rtc.port_range_end: " + re + " is below rtc.port_range_start " + rs);
        List<ServerConfig.TurnServer> turns = new ArrayList<>();
        for (ConfigTree ts : t.mapList("rtc.turn_servers")) {
            String host = ts.str("host", "");
            if (host.isEmpty()) throw new ConfigException("rtc.turn_servers: every entry needs a host");
            String proto = ts.str("protocol", "udp").toLowerCase(Locale.ROOT);
            if (!Set.of("udp", "tcp", "tls").contains(proto)) throw new ConfigException("rtc.turn_servers.protocol: expected udp, tcp or tls, got \"" + proto + "\"");
            String secret = ts.str("secret", "").trim();
            String secretFile = ts.str("secret_file", "");
            if (secret.isEmpty() && !secretFile.isEmpty()) {
                secret = readSecretFile(secretFile, host);
            }
            String user = ts.str("username", "");
            String credential = ts.str("credential", "");
            if (secret.isEmpty() && (user.isEmpty() || credential.isEmpty())) {
                throw new ConfigException("rtc.turn_servers: " + host + " needs a secret, or a username and a credential");
            }
            turns.add(new ServerConfig.TurnServer(host, ts.intVal("port", proto.equals("tls") ? 443 : 3478, 1, 65535), proto,
                    user, credential, secret, ts.intVal("ttl", 0, 0, Integer.MAX_VALUE)));
        }
        return new ServerConfig.Rtc(udpStart, udpEnd, tcp, rs, re, t.str("rtc.node_ip", ""),
                t.bool("rtc.use_external_ip", false), t.bool("rtc.use_ice_lite", false),
                t.bool("rtc.enable_loopback_candidate", false), t.bool("rtc.use_mdns", false),
                t.bool("rtc.allow_tcp_fallback", true), stunServers(t.strList("rtc.stun_servers")), turns,
                t.strList("rtc.interfaces.includes"), t.strList("rtc.interfaces.excludes"),
                t.strList("rtc.ips.includes"), t.strList("rtc.ips.excludes"),
                t.intVal("rtc.packet_buffer_size", 500, 0, Integer.MAX_VALUE));
    }

    private static int parsePort(String key, String s, String whole) {
        try {
            int p = Integer.parseInt(s.trim());
            if (p < 1 || p > 65535) throw new ConfigException(key + ": " + p + " is out of range 1-65535");
            return p;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": expected a port or start-end, got \"" + whole + "\"");
        }
    }

    /**
     * rtc.stun_servers as "host:port" each: LiveKit's form, also when an entry was written as a URL
     * ("stun:host:port"), so that every reader (clients' ICE servers, use_external_ip) gets one form.
     */
    static List<String> stunServers(List<String> entries) {
        List<String> out = new ArrayList<>();
        for (String e : entries) {
            String s = e.trim();
            out.add(s.regionMatches(true, 0, "stun:", 0, 5) ? s.substring(5) : s);
        }
        return out;
    }

    /** A file of secrets must not be accessible by others, as LiveKit requires of key_file and secret_file. */
    private static void checkPrivate(String file, String what) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(Path.of(file));
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new ConfigException(what + " " + file + ": must not be accessible by others (chmod 600)");
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system, or unreadable: readFile reports the latter
        }
    }

    /** rtc.turn_servers[].secret_file: the secret, trimmed (LiveKit's LoadTURNSecrets). */
    private static String readSecretFile(String file, String host) {
        checkPrivate(file, "rtc.turn_servers.secret_file");
        String secret = readFile(file, "rtc.turn_servers.secret_file").trim();
        if (secret.isEmpty()) throw new ConfigException("rtc.turn_servers: " + host + ": secret_file " + file + " is empty");
        return secret;
    }

    private static Map<String, String> readKeyFile(String file) {
        checkPrivate(file, "key_file");
        ConfigTree kt = ConfigTree.parse(readFile(file, "key_file"), "key_file " + file);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : kt.root().entrySet()) {
            if (e.getValue() instanceof Map || e.getValue() instanceof List) throw new ConfigException("key_file " + file + ": expected lines of \"key: secret\"");
            out.put(e.getKey(), e.getValue() == null ? "" : e.getValue().toString());
        }
        return out;
    }
}
