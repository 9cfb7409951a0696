package org.jsfu.server.testparts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free ports on 127.0.0.1, found by binding port 0 and releasing it (a small race is accepted). */
public final class FreePorts {
    private FreePorts() {}

    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** A TCP port nothing listens on at the time of the call. */
    public static int tcp() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(LOOPBACK, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port", e);
        }
    }

    /** A UDP port nothing is bound to at the time of the call. */
    public static int udp() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port", e);
        }
    }
}
