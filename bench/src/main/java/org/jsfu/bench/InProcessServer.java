package org.jsfu.bench;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.jsfu.conf.ConfigLoader;
import org.jsfu.conf.EgressConfig;
import org.jsfu.conf.ServerConfig;
import org.jsfu.core.transport.UdpMux;
import org.jsfu.server.JsfuServer;

/**
 * A real jsfu server in this JVM, started exactly as {@code Main} starts it ({@link JsfuServer#start}
 * with its media plane), on 127.0.0.1: signalling on a free TCP port, RTC on one free UDP port
 * advertised as a 127.0.0.1 host candidate (rtc.node_ip), keys devkey/secret, dev mode.
 */
public final class InProcessServer implements AutoCloseable {
    public static final String KEY = "devkey";
    public static final String SECRET = "secret";

    public final JsfuServer server;
    public final UdpMux mux;
    public final int udpPort;

    private InProcessServer(JsfuServer server, int udpPort) {
        this.server = server;
        this.mux = server.udpMux();
        this.udpPort = udpPort;
    }

    public static InProcessServer start() throws Exception {
        return start("", null);
    }

    /**
     * @param extraYaml top-level livekit.yaml sections appended to the config (e.g. {@code room:} timeouts)
     * @param egress    egress.yaml (e.g. a storage_dir), or null for the defaults
     */
    public static InProcessServer start(String extraYaml, EgressConfig egress) throws Exception {
        int udp = freeUdpPort();
        String yaml = "port: " + freeTcpPort() + "\n"
                + "bind_addresses: [127.0.0.1]\n"
                + "keys:\n  " + KEY + ": " + SECRET + "\n"
                + "rtc:\n  udp_port: " + udp + "\n  tcp_port: " + freeTcpPort() + "\n  node_ip: 127.0.0.1\n"
                + "logging:\n  level: warn\n"
                + extraYaml;
        ServerConfig cfg = ConfigLoader.load(new String[] {"--config-body", yaml, "--dev"}, Map.of());
        return new InProcessServer(JsfuServer.start(cfg, egress), udp);
    }

    /** ws://127.0.0.1:port */
    public String wsBase() {
        return "ws://127.0.0.1:" + server.port();
    }

    public String httpBase() {
        return "http://127.0.0.1:" + server.port();
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
