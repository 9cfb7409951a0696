package org.jsfu.conf;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    static final String KEY = "reflector_0123456789abcdef";
    static final String SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /** The livekit.yaml Reflector writes (reflector-contract.md, "Deployment"), port-range form. */
    static final String REFLECTOR_YAML = "port: 7880\n"
            + "rtc:\n  tcp_port: 7881\n  port_range_start: 44200\n  port_range_end: 44300\n"
            + "redis:\n  address: redis:6379\n"
            + "keys:\n  " + KEY + ": " + SECRET + "\n"
            + "webhook:\n  urls:\n    - http://server:1250/v1/livekit/webhook\n  api_key: " + KEY + "\n"
            + "logging:\n  level: info\n"
            + "room:\n  empty_timeout: 300\n  max_participants: 0\n";

    @TempDir Path dir;

    private String[] fileArgs(String yaml) throws Exception {
        Path p = dir.resolve("livekit.yaml");
        Files.writeString(p, yaml);
        return new String[] {"--config", p.toString()};
    }

    @Test
    void reflectorConfigFile() throws Exception {
        ServerConfig c = ConfigLoader.load(fileArgs(REFLECTOR_YAML), Map.of());
        assertEquals(7880, c.port());
        assertEquals(7881, c.rtc().tcpPort());
        assertEquals(44200, c.rtc().portRangeStart());
        assertEquals(44300, c.rtc().portRangeEnd());
        assertFalse(c.rtc().udpMux());
        assertEquals("redis:6379", c.redis().address());
        assertTrue(c.redisEnabled());
        assertEquals(Map.of(KEY, SECRET), c.keys());
        assertEquals(List.of("http://server:1250/v1/livekit/webhook"), c.webhook().urls());
        assertEquals(KEY, c.webhook().apiKey());
        assertEquals("info", c.logging().level());
        assertEquals(300, c.room().emptyTimeout());
        assertEquals(20, c.room().departureTimeout());
        assertEquals(0, c.room().maxParticipants());
        assertTrue(c.room().autoCreate());
        assertEquals(List.of("0.0.0.0"), c.bindAddresses());
        assertFalse(c.development());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void reflectorTunnelMode() {
        String yaml = REFLECTOR_YAML.replace("  port_range_start: 44200\n  port_range_end: 44300\n",
                "  udp_port: 7882\n  node_ip: 203.0.113.7\n  use_external_ip: false\n");
        ServerConfig c = ConfigLoader.load(new String[] {"--config-body", yaml}, Map.of());
        assertTrue(c.rtc().udpMux());
        assertEquals(7882, c.rtc().udpPort());
        assertEquals(7882, c.rtc().udpPortEnd());
        assertEquals("203.0.113.7", c.rtc().nodeIp());
        assertFalse(c.rtc().useExternalIp());
    }

    @Test
    void defaults() {
        ServerConfig c = ConfigLoader.load(new String[] {"--keys", "k1: s1"}, Map.of());
        assertEquals(7880, c.port());
        assertEquals(7881, c.rtc().tcpPort());
        assertEquals(44200, c.rtc().portRangeStart());
        assertEquals(44300, c.rtc().portRangeEnd());
        assertEquals(0, c.rtc().udpPort());
        assertEquals(512 * 1024, c.limit().maxMetadataSize());
        assertEquals(64 * 1024, c.limit().maxAttributesSize());
        assertEquals(256, c.limit().maxRoomNameLength());
        assertEquals(256, c.limit().maxParticipantIdentityLength());
        assertEquals(2L * 1024 * 1024, c.limit().signalMessageSizeLimit());
        assertEquals(10L * 1024 * 1024, c.limit().maxApiRequestBodySize());
        assertEquals(300, c.room().emptyTimeout());
        assertEquals(20, c.room().departureTimeout());
        assertEquals("audio/opus", c.room().enabledCodecs().get(0).mime());
        assertFalse(c.logging().json());
        assertEquals("", c.redis().address());
        assertFalse(c.redisEnabled());
        assertTrue(c.enableDataTracks());
        // short secret outside dev mode: accepted with a warning, as LiveKit logs it
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("shorter than 32")), c.warnings().toString());
    }

    @Test
    void devModeUsesDevKeysAndLoopback() {
        ServerConfig c = ConfigLoader.load(new String[] {"--dev"}, Map.of());
        assertTrue(c.development());
        assertEquals(Map.of("devkey", "secret"), c.keys());
        assertEquals(List.of("127.0.0.1"), c.bindAddresses());
        assertEquals("debug", c.logging().level());
        assertEquals(44200, c.rtc().portRangeStart());
        assertFalse(c.rtc().udpMux());
        assertTrue(c.warnings().isEmpty(), c.warnings().toString());
    }

    @Test
    void devModeWithBindAndWithOwnKeys() {
        ServerConfig c = ConfigLoader.load(new String[] {"--dev", "--bind", "0.0.0.0", "--bind=::"}, Map.of());
        assertEquals(List.of("0.0.0.0", "::"), c.bindAddresses());
        ServerConfig own = ConfigLoader.load(new String[] {"--dev", "--keys", "mykey: mysecret"}, Map.of());
        assertEquals(Map.of("mykey", "mysecret"), own.keys());
        assertEquals(List.of("0.0.0.0"), own.bindAddresses());
        ServerConfig viaYaml = ConfigLoader.load(new String[] {"--config-body", "development: true"}, Map.of());
        assertTrue(viaYaml.development());
        assertEquals(Map.of("devkey", "secret"), viaYaml.keys());
    }

    @Test
    void bodyWinsOverFileAndFlagsOverride() throws Exception {
        String[] file = fileArgs("port: 1111\nkeys: {a: b}\n");
        String[] args = {file[0], file[1], "--config-body", "port: 2222\nkeys: {c: d}\nrtc: {tcp_port: 3000}\n",
                "--rtc.tcp_port=4000"};
        ServerConfig c = ConfigLoader.load(args, Map.of());
        assertEquals(2222, c.port());
        assertEquals(Map.of("c", "d"), c.keys());
        assertEquals(4000, c.rtc().tcpPort());
    }

    @Test
    void envConfigBodyAndGeneratedEnv() throws Exception {
        Map<String, String> env = Map.of("LIVEKIT_CONFIG", "port: 2222\nkeys: {c: d}\n",
                "LIVEKIT_RTC_TCP_PORT", "5000", "LIVEKIT_ROOM_EMPTY_TIMEOUT", "60", "LIVEKIT_LOGGING_JSON", "true");
        ServerConfig c = ConfigLoader.load(fileArgs("port: 1111\nkeys: {a: b}\n"), env);
        assertEquals(2222, c.port());
        assertEquals(5000, c.rtc().tcpPort());
        assertEquals(60, c.room().emptyTimeout());
        assertTrue(c.logging().json());
        // explicit flag beats env var
        ServerConfig f = ConfigLoader.load(new String[] {"--rtc.tcp_port", "6000"}, env);
        assertEquals(6000, f.rtc().tcpPort());
    }

    @Test
    void namedFlagsAndEnv() {
        Map<String, String> env = Map.of("LIVEKIT_KEYS", "k1: s1\nk2: s2", "NODE_IP", "10.0.0.1", "UDP_PORT", "9000-9010",
                "REDIS_HOST", "r:6379", "REDIS_PASSWORD", "pw", "LIVEKIT_REGION", "eu");
        ServerConfig c = ConfigLoader.load(new String[0], env);
        assertEquals(Map.of("k1", "s1", "k2", "s2"), c.keys());
        assertEquals("10.0.0.1", c.rtc().nodeIp());
        assertEquals(9000, c.rtc().udpPort());
        assertEquals(9010, c.rtc().udpPortEnd());
        assertEquals("r:6379", c.redis().address());
        assertEquals("pw", c.redis().password());
        assertEquals("eu", c.region());
        ServerConfig f = ConfigLoader.load(new String[] {"--node-ip", "10.0.0.2", "--udp-port", "7882",
                "--redis-host", "x:1", "--redis-password", "p2", "--region", "us", "--keys", "k3: s3"}, env);
        assertEquals("10.0.0.2", f.rtc().nodeIp());
        assertEquals(7882, f.rtc().udpPort());
        assertEquals("x:1", f.redis().address());
        assertEquals("p2", f.redis().password());
        assertEquals("us", f.region());
        assertEquals(Map.of("k3", "s3"), f.keys());
    }

    @Test
    void keyFile() throws Exception {
        Path kf = dir.resolve("keys.yaml");
        Files.writeString(kf, "fk: 0123\n");
        Files.setPosixFilePermissions(kf, PosixFilePermissions.fromString("rw-------"));
        ServerConfig c = ConfigLoader.load(new String[] {"--key-file", kf.toString()}, Map.of());
        assertEquals(Map.of("fk", "0123"), c.keys(), "secrets stay literal text (no octal/int conversion)");
        Files.setPosixFilePermissions(kf, PosixFilePermissions.fromString("rw-r--r--"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(new String[] {"--key-file", kf.toString()}, Map.of()));
        assertTrue(e.getMessage().startsWith("key_file"), e.getMessage());
    }

    @Test
    void unknownKeysWarnAndKnownLiveKitKeysAreAccepted() {
        String yaml = "keys: {a: 0123456789abcdef0123456789abcdef}\nprometheus: {port: 6789}\nturn: {enabled: false}\nnode_selector: {kind: any}\n"
                + "signal_relay: {}\npsrpc: {}\nvideo: {}\naudio: {}\nagents: {}\ningress: {}\nsip: {}\nregion: x\n"
                + "rtc: {congestion_control: {enabled: true}, frobnicate: 1}\nfoo: bar\n";
        ServerConfig c = ConfigLoader.load(new String[] {"--config-body", yaml}, Map.of());
        assertEquals(3, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).contains("rtc.frobnicate"));
        assertTrue(c.warnings().get(1).contains("foo"));
        assertEquals("prometheus.port: jsfu serves no Prometheus metrics yet", c.warnings().get(2));
    }

    @Test
    void aTurnSecretMayComeFromAPrivateFile() throws Exception {
        Path secret = Files.createTempFile("turn", ".secret");
        Files.writeString(secret, "  topsecret\n");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String yaml = "keys: {a: 0123456789abcdef0123456789abcdef}\nrtc: {turn_servers: [{host: t.example.com, secret_file: "
                + secret + "}]}\n";
        assertEquals("topsecret", ConfigLoader.load(new String[] {"--config-body", yaml}, Map.of()).rtc().turnServers().get(0).secret());
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(error("--config-body", yaml).contains("must not be accessible by others"));
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(secret, " \n");
        assertTrue(error("--config-body", yaml).endsWith("is empty"));
        Files.delete(secret);
    }

    @Test
    void switchedOnLiveKitFeaturesJsfuLacksAreWarnedAbout() {
        String yaml = "keys: {a: 0123456789abcdef0123456789abcdef}\nturn: {enabled: true, udp_port: 3478}\nprometheus_port: 6789\n";
        ServerConfig c = ConfigLoader.load(new String[] {"--config-body", yaml}, Map.of());
        assertEquals(List.of("turn.enabled: jsfu has no embedded TURN server; run one (e.g. coturn) and list it in rtc.turn_servers",
                "prometheus_port: jsfu serves no Prometheus metrics yet"), c.warnings());
    }

    @Test
    void turnServersStunAndCodecs() {
        String yaml = "keys: {a: 0123456789abcdef0123456789abcdef}\n"
                + "rtc:\n  stun_servers: [stun.l.google.com:19302, \" STUN:127.0.0.1:3478\"]\n  turn_servers:\n    - host: turn.example.com\n      port: 443\n      protocol: tls\n      username: u\n      credential: c\n"
                + "  interfaces: {includes: [eth0]}\n  ips: {excludes: [10.0.0.0/8]}\n"
                + "room:\n  enabled_codecs:\n    - mime: audio/opus\n    - mime: video/vp8\n";
        ServerConfig c = ConfigLoader.load(new String[] {"--config-body", yaml}, Map.of());
        assertEquals(List.of("stun.l.google.com:19302", "127.0.0.1:3478"), c.rtc().stunServers(), "one form: host:port");
        assertEquals(new ServerConfig.TurnServer("turn.example.com", 443, "tls", "u", "c", "", 0), c.rtc().turnServers().get(0));
        assertEquals(List.of("eth0"), c.rtc().interfaceIncludes());
        assertEquals(List.of("10.0.0.0/8"), c.rtc().ipExcludes());
        assertEquals(2, c.room().enabledCodecs().size());
        assertEquals(List.of(), c.warnings());
    }

    private static String error(String... args) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(args, Map.of())).getMessage();
    }

    @Test
    void errorsNameTheKey() throws Exception {
        assertTrue(error().startsWith("keys:"));
        assertTrue(error("--config-body", "keys: {a: b}\nport: abc").startsWith("port: expected an integer"));
        assertTrue(error("--config-body", "keys: {a: b}\nport: 70000").startsWith("port: 70000 is out of range"));
        assertTrue(error("--config-body", "keys: {a: b}\nrtc: {tcp_port: 99999}").startsWith("rtc.tcp_port:"));
        assertTrue(error("--config-body", "keys: {a: b}\nrtc: {udp_port: 9-x}").startsWith("rtc.udp_port:"));
        assertTrue(error("--config-body", "keys: {a: b}\nrtc: {udp_port: 9010-9000}").startsWith("rtc.udp_port:"));
        assertEquals("rtc.turn_servers: turn.example.com needs a secret, or a username and a credential",
                error("--config-body", "keys: {a: b}\nrtc: {turn_servers: [{host: turn.example.com, username: u}]}"));
        assertTrue(error("--config-body", "keys: {a: b}\nrtc: {port_range_start: 5000, port_range_end: 4000}").startsWith("rtc.port_range_end:"));
        assertTrue(error("--config-body", "keys: {a: b}\nroom: {auto_create: maybe}").startsWith("room.auto_create:"));
        assertTrue(error("--config-body", "keys: {a: b}\nrtc: 5").startsWith("rtc:"));
        assertTrue(error("--config-body", "keys: [a, b]").startsWith("keys:"));
        assertTrue(error("--config-body", "keys: {a: b}\nwebhook: {urls: [http://x]}").startsWith("webhook.api_key:"));
        assertTrue(error("--config-body", "keys: {a: b}\nwebhook: {urls: [http://x], api_key: zz}").startsWith("webhook.api_key:"));
        assertTrue(error("--config-body", "keys: {a: b}\nwebhook: {urls: [server:1250/hook], api_key: a}").startsWith("webhook.urls:"));
        assertTrue(error("--config-body", "keys: {a: b}\nlogging: {level: loud}").startsWith("logging.level:"));
        String yamlErr = error("--config-body", "keys: {a: b}\nport: [1,\n");
        assertTrue(yamlErr.startsWith("--config-body: invalid YAML"), yamlErr);
        assertTrue(error("--config", dir.resolve("missing.yaml").toString()).startsWith("--config " + dir.resolve("missing.yaml")));
        assertTrue(error("--keys", "a: b", "--rtc.nonsense=1").startsWith("unknown flag --rtc.nonsense"));
        assertTrue(error("--keys").startsWith("flag --keys needs a value"));
        assertTrue(error("--config-body", "keys: {a: b}\nport: 1\nport: 2").contains("invalid YAML"));
        String envErr = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(new String[] {"--keys", "a: b"}, Map.of("LIVEKIT_PORT", "x"))).getMessage();
        assertTrue(envErr.startsWith("port:"), envErr);
    }

    @Test
    void goDurations() {
        assertEquals(java.time.Duration.ofHours(4), GoDuration.parse("4h"));
        assertEquals(java.time.Duration.ofMinutes(90), GoDuration.parse("1h30m"));
        assertEquals(java.time.Duration.ofMillis(1500), GoDuration.parse("1.5s"));
        assertEquals(java.time.Duration.ofMillis(300), GoDuration.parse("300ms"));
        assertEquals(java.time.Duration.ZERO, GoDuration.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("4 hours"));
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("h"));
    }

    @Test
    void helpListsOnlyFlagsTheParserTakesAndEveryScalar() {
        assertTrue(ConfigLoader.wantsHelp(new String[] {"--dev", "--help"}));
        assertTrue(ConfigLoader.wantsHelp(new String[] {"-h"}));
        assertFalse(ConfigLoader.wantsHelp(new String[] {"--dev"}));
        String usage = ConfigLoader.usage();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s+(?:-h, )?--([a-z_.-]+)").matcher(usage);
        int flags = 0;
        while (m.find()) {
            String flag = m.group(1);
            if (flag.equals("help")) continue;
            flags++;
            try {
                ConfigLoader.load(new String[] {"--" + flag + "=1"}, Map.of());
            } catch (ConfigException e) {
                assertFalse(e.getMessage().contains("unknown flag"), flag + ": " + e.getMessage());
            }
        }
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(new String[] {"--nope"}, Map.of()));
        assertEquals("unknown flag --nope", unknown.getMessage());
        assertTrue(flags > ConfigLoader.SCALARS.size(), "named flags and every scalar are listed: " + flags);
        for (String path : ConfigLoader.SCALARS) {
            assertTrue(usage.contains("--" + path + "  (" + ConfigLoader.envName(path) + ")"), path);
        }
    }
}
