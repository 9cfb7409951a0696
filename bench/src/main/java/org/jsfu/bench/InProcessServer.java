package org.jsfu.bench;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.jsfu.conf.ConfigLoader;
import org.jsfu.conf.ServerConfig;
import org.jsfu.core.media.MediaPlane;
import org.jsfu.core.transport.UdpMux;
import org.jsfu.server.JsfuServer;

/**
 * A real jsfu server in this JVM on 127.0.0.1: signalling on a free TCP port, the media plane on one
 * free UDP port advertised as a 127.0.0.1 host candidate (ICE-lite), keys devkey/secret.
 */
public final class InProcessServer implements AutoCloseable {
    public static final String KEY = "devkey";
    public static final String SECRET = "secret";

    public final JsfuServer server;
    public final UdpMux mux;
    public final MediaPlane plane;
    public final int udpPort;

    private InProcessServer(JsfuServer server, UdpMux mux, MediaPlane plane, int udpPort) {
        this.server = server;
        this.mux = mux;
        this.plane = plane;
        this.udpPort = udpPort;
    }

    public static InProcessServer start() throws Exception {
        String yaml = "port: " + freeTcpPort() + "\n"
                + "bind_addresses: [127.0.0.1]\n"
                + "keys:\n  " + KEY + ": " + SECRET + "\n"
                + "logging:\n  level: warn\n";
        ServerConfig cfg = ConfigLoader.load(new String[] {"--config-body", yaml, "--dev"}, Map.of());
        InetAddress lo = InetAddress.getLoopbackAddress();
        int udp = freeUdpPort();
        UdpMux mux = new UdpMux(lo, udp, udp);
        MediaPlane plane = new MediaPlane(mux, List.of(lo), true);
        try {
            return new InProcessServer(JsfuServer.start(cfg, plane), mux, plane, udp);
        } catch (Exception | Error e) {
            plane.close();
            mux.close();
            throw e;
        }
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
        plane.close();
        mux.close();
    }
}
