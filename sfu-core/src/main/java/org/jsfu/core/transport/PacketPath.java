package org.jsfu.core.transport;

import java.net.InetSocketAddress;

/**
 * Where a peer connection's packets go: a UDP socket and the browser's address, or one ICE-TCP
 * connection (RFC 6544). The ICE pair the browser nominates decides which path carries media.
 */
public interface PacketPath {
    /** The browser's transport address on this path (the ICE remote candidate). */
    InetSocketAddress remote();

    /** Sends one packet; any thread, never blocks (a full TCP write queue drops). */
    void send(byte[] b, int off, int len);

    /** "udp" or "tcp", for logs. */
    String protocol();
}
