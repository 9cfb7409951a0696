package org.jsfu.server.e2e;

import java.time.Duration;
import java.util.Map;
import org.jsfu.conf.ConfigLoader;
import org.jsfu.conf.ServerConfig;
import org.jsfu.server.JsfuServer;
import org.jsfu.server.testparts.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The browser scenarios again with {@code rtc.use_ice_lite: true}: the server advertises a=ice-lite
 * and only answers checks, so Chromium controls both peer connections (RFC 8445 6.1.1).
 * {@link MediaPlaneE2ETest} runs the same pages against the default, a full ICE agent.
 */
class IceLiteE2ETest {
    private static JsfuServer server;
    private static int rtcTcpPort;

    @BeforeAll
    static void startServer() throws Exception {
        rtcTcpPort = FreePorts.tcp();
        String yaml = "port: " + FreePorts.tcp() + "\n"
                + "bind_addresses: [127.0.0.1]\n"
                + "keys:\n  devkey: secret\n"
                + "rtc:\n  udp_port: " + FreePorts.udp() + "\n  tcp_port: " + rtcTcpPort + "\n  node_ip: 127.0.0.1\n"
                + "  use_ice_lite: true\n";
        ServerConfig cfg = ConfigLoader.load(new String[] {"--config-body", yaml}, Map.of());
        server = JsfuServer.start(cfg);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static NodeTestRunner runner() {
        return NodeTestRunner.forDevServer(server, rtcTcpPort);
    }

    @Test
    void twoTabsTalkWithIceLite() throws Exception {
        runner().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/two-tabs.test.mjs");
    }

    @Test
    void browserOverIceTcpWithIceLite() throws Exception {
        runner().timeout(Duration.ofMinutes(2)).runAndAssertPass("tests/icetcp.test.mjs");
    }
}
