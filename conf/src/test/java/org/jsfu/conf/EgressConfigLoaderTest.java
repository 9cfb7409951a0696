package org.jsfu.conf;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EgressConfigLoaderTest {
    /** The egress.yaml Reflector writes (reflector-contract.md, "Deployment"). */
    static final String REFLECTOR_EGRESS = "api_key: reflector_0123456789abcdef\n"
            + "api_secret: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
            + "ws_url: ws://livekit-server:7880\n"
            + "redis:\n  address: redis:6379\n"
            + "health_port: 7082\n"
            + "log_level: info\n"
            + "session_limits:\n  file_output_max_duration: 4h\n";

    @TempDir Path dir;

    @Test
    void reflectorEgressYamlFromEnvFile() throws Exception {
        Path p = dir.resolve("egress.yaml");
        Files.writeString(p, REFLECTOR_EGRESS);
        EgressConfig c = EgressConfigLoader.load(new String[0], Map.of("EGRESS_CONFIG_FILE", p.toString()));
        assertEquals("reflector_0123456789abcdef", c.apiKey());
        assertEquals("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", c.apiSecret());
        assertEquals("ws://livekit-server:7880", c.wsUrl());
        assertEquals("redis:6379", c.redis().address());
        assertEquals(7082, c.healthPort());
        assertEquals("info", c.logLevel());
        assertEquals(Duration.ofHours(4), c.fileOutputMaxDuration());
        assertNull(c.storage().s3());
        assertEquals(List.of(), c.warnings());
        assertFalse(c.toString().contains(c.apiSecret()), "toString must not leak the secret");
    }

    @Test
    void bodyWinsAndS3Storage() throws Exception {
        Path p = dir.resolve("egress.yaml");
        Files.writeString(p, REFLECTOR_EGRESS);
        String body = REFLECTOR_EGRESS.replace("7082", "9000") + "storage:\n  prefix: pre/\n  s3:\n    access_key: AK\n    secret: SK\n"
                + "    region: garage\n    endpoint: http://garage:3900\n    bucket: rec\n    force_path_style: true\n"
                + "storage_dir: /data/rec\nwhatever: 1\n";
        EgressConfig c = EgressConfigLoader.load(new String[] {"--config", p.toString()}, Map.of("EGRESS_CONFIG_BODY", body));
        assertEquals(9000, c.healthPort());
        EgressConfig.S3 s3 = c.storage().s3();
        assertEquals(new EgressConfig.S3("AK", "SK", "", "garage", "http://garage:3900", "rec", true, 3), s3);
        assertEquals("pre/", c.storage().prefix());
        assertEquals("/data/rec", c.storageDir());
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).contains("whatever"));
        assertFalse(s3.toString().contains("SK"));
    }

    @Test
    void envFillsCredentials() {
        EgressConfig c = EgressConfigLoader.parse("health_port: 1\n",
                Map.of("LIVEKIT_API_KEY", "k", "LIVEKIT_API_SECRET", "s", "LIVEKIT_WS_URL", "ws://h:7880"));
        assertEquals("k", c.apiKey());
        assertEquals("s", c.apiSecret());
        assertEquals(Duration.ZERO, c.fileOutputMaxDuration());
    }

    @Test
    void errorsNameTheKey() {
        Map<String, String> none = Map.of();
        assertTrue(msg(() -> EgressConfigLoader.parse("api_secret: s\nws_url: ws://x", none)).startsWith("api_key:"));
        assertTrue(msg(() -> EgressConfigLoader.parse("api_key: k\napi_secret: s\nws_url: nope", none)).startsWith("ws_url:"));
        assertTrue(msg(() -> EgressConfigLoader.parse(REFLECTOR_EGRESS.replace("4h", "four hours"), none))
                .startsWith("session_limits.file_output_max_duration:"));
        assertTrue(msg(() -> EgressConfigLoader.parse(REFLECTOR_EGRESS.replace("7082", "x"), none)).startsWith("health_port:"));
        assertTrue(msg(() -> EgressConfigLoader.parse(REFLECTOR_EGRESS + "storage: {s3: {access_key: a}}", none)).startsWith("storage.s3.bucket:"));
        assertTrue(msg(() -> EgressConfigLoader.load(new String[0], none)).startsWith("egress config:"));
        assertTrue(msg(() -> EgressConfigLoader.load(new String[0], Map.of("EGRESS_CONFIG_FILE", dir.resolve("no").toString())))
                .startsWith("egress config " + dir.resolve("no")));
    }

    private static String msg(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(ConfigException.class, e).getMessage();
    }
}
