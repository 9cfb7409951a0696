package org.jsfu.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.jsfu.core.ice.StunMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rtc.use_external_ip: this node's public IPv4 address as a STUN server sees it, as LiveKit learns it at
 * startup. A Binding request (RFC 8489 section 3) goes to each of rtc.stun_servers in turn (LiveKit's three
 * public servers when none is configured); the first success response's XOR-MAPPED-ADDRESS (RFC 8489
 * section 14.2) is the address the NAT in front of this node gave the request. Retransmissions follow RFC
 * 8489 section 6.2.1 (RTO, then doubling), cut to {@link #SENDS} sends so that a silent server costs
 * seconds, not the RFC's 39.5. {@link #mappedIpv4} is the wire part, testable without a socket.
 */
public final class ExternalAddress {
    private static final Logger log = LoggerFactory.getLogger(ExternalAddress.class);

    /** LiveKit's DefaultStunServers (livekit/mediatransportutil rtcconfig), used when rtc.stun_servers is empty. */
    static final List<String> DEFAULT_STUN_SERVERS =
            List.of("global.stun.twilio.com:3478", "stun.l.google.com:19302", "stun1.l.google.com:19302");
    /** RFC 8489 section 6.2.1: the initial RTO for a first request to a server (500 ms). */
    static final long RTO_MILLIS = 500;
    /** Sends per server: at 0, RTO and 3 RTO; the answer may come until 7 RTO (3.5 s with the default RTO). */
    static final int SENDS = 3;
    /** RFC 8489 section 6: the default STUN port. */
    static final int STUN_PORT = 3478;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ExternalAddress() {}

    /**
     * Asks {@code servers} ("host:port", as the config loader gives rtc.stun_servers; a missing port means
     * 3478) in order and
     * returns the first IPv4 XOR-MAPPED-ADDRESS; throws, naming every server and why it gave none, when none
     * answers. {@code rtoMillis}: the first retransmission timeout ({@link #RTO_MILLIS} in production).
     */
    public static InetAddress resolve(List<String> servers, long rtoMillis) throws IOException {
        if (servers.isEmpty()) {
            throw new IOException("rtc.use_external_ip: no STUN server to ask");
        }
        List<String> failures = new ArrayList<>();
        for (String server : servers) {
            try {
                InetAddress ip = ask(server, rtoMillis);
                log.info("rtc external address resolved ip={} stunServer={}", ip.getHostAddress(), server);
                return ip;
            } catch (IOException e) {
                log.warn("rtc external address: no answer stunServer={} reason={}", server, e.getMessage());
                failures.add(server + ": " + e.getMessage());
            }
        }
        throw new IOException("rtc.use_external_ip: could not resolve the external IP from any STUN server "
                + failures);
    }

    /** One server: its IPv4 address, then up to {@link #SENDS} Binding requests with one transaction id. */
    private static InetAddress ask(String server, long rtoMillis) throws IOException {
        InetSocketAddress to = address(server);
        byte[] txId = new byte[12];
        RANDOM.nextBytes(txId);
        byte[] request = new byte[StunMessage.HEADER_LENGTH + 8];
        int len = new StunMessage(StunMessage.BINDING_REQUEST, txId).encode(request, 0, null, true);
        byte[] in = new byte[1500];
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByAddress(new byte[4]), 0))) {
            socket.connect(to); // only the server's datagrams; an ICMP port unreachable ends the wait at once
            long wait = rtoMillis;
            long waited = 0;
            for (int send = 1; send <= SENDS; send++) {
                socket.send(new DatagramPacket(request, len));
                // RFC 8489 6.2.1: wait RTO, 2 RTO, 4 RTO (the RFC waits Rm = 16 RTO after its last send)
                InetAddress mapped = receive(socket, in, txId, System.nanoTime() + wait * 1_000_000L);
                if (mapped != null) {
                    return mapped;
                }
                waited += wait;
                wait *= 2;
            }
            throw new IOException("no answer within " + waited + " ms");
        } catch (PortUnreachableException e) {
            throw new IOException("port unreachable");
        }
    }

    /** Datagrams until {@code untilNanos}: the mapped IPv4 address of the answer, or null at the deadline. */
    private static InetAddress receive(DatagramSocket socket, byte[] in, byte[] txId, long untilNanos)
            throws IOException {
        while (true) {
            long left = (untilNanos - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
            DatagramPacket p = new DatagramPacket(in, in.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            InetAddress mapped = mappedIpv4(in, p.getLength(), txId);
            if (mapped != null) {
                return mapped;
            }
        }
    }

    /**
     * The IPv4 XOR-MAPPED-ADDRESS of a Binding success response to transaction {@code txId}; null for
     * anything else (not STUN, another transaction, no or an IPv6 mapped address), which the caller ignores.
     * A Binding error response to {@code txId} throws with its code and reason (RFC 8489 section 14.8).
     */
    static InetAddress mappedIpv4(byte[] b, int len, byte[] txId) throws IOException {
        StunMessage m = StunMessage.parse(b, 0, len);
        if (m == null || !m.hasTransactionId(txId)) {
            return null;
        }
        if (m.type() == StunMessage.BINDING_ERROR) {
            throw new IOException("error response " + m.errorCode() + " " + m.errorReason());
        }
        InetSocketAddress a = m.type() == StunMessage.BINDING_SUCCESS ? m.xorMappedAddress() : null;
        return a != null && a.getAddress() instanceof Inet4Address ? a.getAddress() : null;
    }

    /** "host:port" (or "host" for port 3478) to the host's first IPv4 address. */
    static InetSocketAddress address(String server) throws IOException {
        String s = server.trim();
        int colon = s.lastIndexOf(':');
        String host = colon < 0 ? s : s.substring(0, colon);
        int port = STUN_PORT;
        if (colon >= 0) {
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IOException("not a host:port");
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new IOException("unknown host " + host);
        }
        for (InetAddress a : all) {
            if (a instanceof Inet4Address) {
                return new InetSocketAddress(a, port);
            }
        }
        throw new IOException("no IPv4 address for " + host);
    }
}
