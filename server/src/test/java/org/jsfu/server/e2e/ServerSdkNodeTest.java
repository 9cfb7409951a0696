package org.jsfu.server.e2e;

import java.time.Duration;
import java.util.Map;
import org.jsfu.conf.ConfigLoader;
import org.jsfu.conf.ServerConfig;
import org.jsfu.server.JsfuServer;
import org.jsfu.server.testparts.FreePorts;
import org.junit.jupiter.api.Test;

/**
 * The Node server SDK (`livekit-server-sdk`: JSON Twirp RoomService and its WebhookReceiver) against
 * the in-process server: e2e/tests/server-sdk.test.mjs receives and verifies our webhooks itself.
 */
class ServerSdkNodeTest {
    @Test
    void nodeServerSdkTwirpAndWebhooks() throws Exception {
        int hookPort = FreePorts.tcp();
        String yaml = "port: " + FreePorts.tcp() + "\n"
                + "bind_addresses: [127.0.0.1]\n"
                + "keys:\n  devkey: secret\n"
                + "rtc:\n  udp_port: " + FreePorts.udp() + "\n  node_ip: 127.0.0.1\n"
                + "webhook:\n  api_key: devkey\n  urls: [http://127.0.0.1:" + hookPort + "/hook]\n";
        ServerConfig cfg = ConfigLoader.load(new String[] {"--config-body", yaml}, Map.of());
        try (JsfuServer server = JsfuServer.start(cfg, E2eServer.tempStorage())) {
            NodeTestRunner.forE2e()
                    .env("LK_URL", "ws://127.0.0.1:" + server.port())
                    .env("LK_API_KEY", "devkey")
                    .env("LK_API_SECRET", "secret")
                    .env("LK_WEBHOOK_PORT", Integer.toString(hookPort))
                    .timeout(Duration.ofMinutes(2))
                    .runAndAssertPass("tests/server-sdk.test.mjs");
        }
    }
}
