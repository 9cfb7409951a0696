package org.jsfu.server.e2e;

import java.util.Map;
import org.jsfu.conf.ConfigLoader;
import org.jsfu.conf.EgressConfig;
import org.jsfu.conf.ServerConfig;
import org.jsfu.server.JsfuServer;
import org.jsfu.server.testparts.FreePorts;

/**
 * The in-process server the browser tests talk to: key devkey/secret, HTTP and one RTC UDP port (or a
 * small port range) and the ICE-TCP port on free loopback ports, candidates on 127.0.0.1; optionally webhooks and egress.
 */
final class E2eServer implements AutoCloseable {
    final JsfuServer server;
    final int rtcTcpPort;

    private E2eServer(JsfuServer server, int rtcTcpPort) {
        this.server = server;
        this.rtcTcpPort = rtcTcpPort;
    }

    /**
     * @param rtcLines more keys under {@code rtc:}, each line indented by two spaces ("" for none)
     * @param webhookPort where webhooks go ({@code http://127.0.0.1:<port>/hook}), 0 for none
     * @param egress egress.yaml, or null for the defaults
     */
    static E2eServer start(String rtcLines, int webhookPort, EgressConfig egress) throws Exception {
        return start("  udp_port: " + FreePorts.udp() + "\n", rtcLines, webhookPort, egress);
    }

    /**
     * LiveKit's default UDP mode: no udp_port, every PC multiplexed over rtc.port_range_start..end, here
     * {@code ports} consecutive ports from a random base; started again on another base when a port of
     * the range is taken (the mux skips a port it cannot bind).
     */
    static E2eServer startOnPortRange(int ports, String rtcLines) throws Exception {
        java.util.Random r = new java.util.Random();
        for (int attempt = 0; attempt < 20; attempt++) {
            int base = 20_000 + r.nextInt(40_000);
            String range = "  port_range_start: " + base + "\n  port_range_end: " + (base + ports - 1) + "\n";
            E2eServer s;
            try {
                s = start(range, rtcLines, 0, null);
            } catch (java.io.IOException e) {
                continue; // no port of the range could be bound
            }
            if (s.server.udpMux().sockets().size() == ports) {
                return s;
            }
            s.close();
        }
        throw new IllegalStateException("no free range of " + ports + " UDP ports");
    }

    private static E2eServer start(String udpLines, String rtcLines, int webhookPort, EgressConfig egress)
            throws Exception {
        int rtcTcp = FreePorts.tcp();
        String yaml = "port: " + FreePorts.tcp() + "\n"
                + "bind_addresses: [127.0.0.1]\n"
                + "keys:\n  devkey: secret\n"
                + "rtc:\n" + udpLines + "  tcp_port: " + rtcTcp + "\n  node_ip: 127.0.0.1\n"
                + rtcLines
                + (webhookPort > 0 ? "webhook:\n  api_key: devkey\n  urls: [http://127.0.0.1:" + webhookPort + "/hook]\n" : "");
        ServerConfig cfg = ConfigLoader.load(new String[] {"--config-body", yaml}, Map.of());
        return new E2eServer(JsfuServer.start(cfg, egress == null ? tempStorage() : egress), rtcTcp);
    }

    /**
     * egress.yaml with only a temporary storage_dir: without one the server keeps recordings and undelivered
     * webhooks under ./recordings, and a test's would land in the work tree (and reach the next run's server).
     */
    static EgressConfig tempStorage() throws java.io.IOException {
        java.nio.file.Path storage = java.nio.file.Files.createTempDirectory("e2e-storage");
        return org.jsfu.conf.EgressConfigLoader.parse("api_key: devkey\napi_secret: secret\nws_url: ws://127.0.0.1:1\n"
                + "storage_dir: " + storage + "\n", Map.of());
    }

    /** A Node test runner pointed at this server with the dev key. */
    NodeTestRunner runner() {
        return NodeTestRunner.forDevServer(server, rtcTcpPort);
    }

    @Override
    public void close() {
        server.close();
    }
}
