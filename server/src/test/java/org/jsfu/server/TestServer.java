package org.jsfu.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.jsfu.conf.ConfigLoader;
import org.jsfu.conf.ServerConfig;
import org.jsfu.core.room.MediaSessionFactory;

/** Starts a real JsfuServer on 127.0.0.1 and a free port, with keys devkey/secret. */
final class TestServer implements AutoCloseable {
    static final String KEY = "devkey";
    static final String SECRET = "secret";

    final JsfuServer server;
    final int port;

    private TestServer(JsfuServer server) {
        this.server = server;
        this.port = server.port();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code extraYaml} is appended to the config body (e.g. webhook or room sections). */
    static TestServer start(String extraYaml, MediaSessionFactory media) throws Exception {
        String yaml = "port: " + freePort() + "\n"
                + "bind_addresses: [127.0.0.1]\n"
                + "keys:\n  " + KEY + ": " + SECRET + "\n"
                + extraYaml;
        ServerConfig cfg = ConfigLoader.load(new String[] {"--config-body", yaml, "--dev"}, Map.of());
        // Signalling tests run without peer connections: SignalingOnlyMedia marks joins ACTIVE at once.
        return new TestServer(JsfuServer.start(cfg, media == null ? new SignalingOnlyMedia() : media));
    }

    /** With the real WebRTC media plane (ICE-lite, on loopback); {@code extraYaml} as in {@link #start}. */
    static TestServer startWithMediaPlane(String extraYaml) throws Exception {
        String yaml = "port: " + freePort() + "\n"
                + "bind_addresses: [127.0.0.1]\n"
                + "keys:\n  " + KEY + ": " + SECRET + "\n"
                + "rtc:\n  udp_port: " + org.jsfu.server.testparts.FreePorts.udp() + "\n  tcp_port: "
                + org.jsfu.server.testparts.FreePorts.tcp() + "\n  node_ip: 127.0.0.1\n  use_ice_lite: true\n"
                + extraYaml;
        ServerConfig cfg = ConfigLoader.load(new String[] {"--config-body", yaml, "--dev"}, Map.of());
        return new TestServer(JsfuServer.start(cfg));
    }

    String http() {
        return "http://127.0.0.1:" + port;
    }

    String ws() {
        return "ws://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.close();
    }

    static List<String> list(String... s) {
        return List.of(s);
    }
}
