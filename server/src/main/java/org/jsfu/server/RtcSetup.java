package org.jsfu.server;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jsfu.conf.ServerConfig;
import org.jsfu.core.media.MediaPlane;
import org.jsfu.core.transport.TcpMux;
import org.jsfu.core.transport.UdpMux;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the media plane from the rtc section: UDP ports and the addresses put in candidates. */
final class RtcSetup {
    private static final Logger log = LoggerFactory.getLogger(RtcSetup.class);

    private RtcSetup() {}

    /**
     * The UDP sockets: rtc.udp_port (single port or start-end) wins over port_range_start/end. Each
     * port is bound once per advertised address when all of them are this machine's, so replies leave
     * from the address the peer checked (RFC 8445 7.2.5.2.1); on the wildcard when one is not (a
     * node_ip behind 1:1 NAT): 0.0.0.0 when every advertised address is IPv4, so the sockets are IPv4
     * ones whose sends the loops batch with sendmmsg (a dual-stack socket sends one datagram per call),
     * else the dual-stack wildcard.
     */
    static UdpMux openUdp(ServerConfig.Rtc rtc, List<InetAddress> advertised) throws IOException {
        int start = rtc.udpPort() > 0 ? rtc.udpPort() : rtc.portRangeStart();
        int end = rtc.udpPort() > 0 ? Math.max(rtc.udpPort(), rtc.udpPortEnd()) : rtc.portRangeEnd();
        return new UdpMux(bindAddresses(advertised), start, end);
    }

    /** Where the UDP ports are bound for these advertised addresses (empty: the dual-stack wildcard). */
    static List<InetAddress> bindAddresses(List<InetAddress> advertised) throws IOException {
        if (allLocal(advertised)) {
            return advertised;
        }
        boolean ipv4 = !advertised.isEmpty() && advertised.stream().allMatch(a -> a instanceof Inet4Address);
        return ipv4 ? List.of(InetAddress.getByAddress(new byte[4])) : List.of();
    }

    /** rtc.node_ip: one address, or an IPv4 and an IPv6 one separated by a comma (LiveKit's "ipv4,ipv6"). */
    static List<InetAddress> nodeIps(String value) throws IOException {
        String[] parts = value.split(",", -1);
        if (parts.length > 2) {
            throw new IOException("rtc.node_ip: at most an IPv4 and an IPv6 address, got \"" + value + "\"");
        }
        List<InetAddress> out = new ArrayList<>();
        for (String part : parts) {
            if (part.isBlank()) {
                throw new IOException("rtc.node_ip: an empty address in \"" + value + "\"");
            }
            InetAddress a = InetAddress.getByName(part.trim());
            if (!out.isEmpty() && out.get(0).getClass() == a.getClass()) {
                throw new IOException("rtc.node_ip: two addresses of one family in \"" + value + "\"");
            }
            out.add(a);
        }
        return out;
    }

    private static boolean allLocal(List<InetAddress> addresses) throws SocketException {
        for (InetAddress a : addresses) {
            if (NetworkInterface.getByInetAddress(a) == null) {
                return false;
            }
        }
        return !addresses.isEmpty();
    }

    /** The ICE-TCP listener on rtc.tcp_port (passive candidates, RFC 6544), or null when it is 0. */
    static TcpMux openTcp(ServerConfig.Rtc rtc) throws IOException {
        return rtc.tcpPort() > 0 ? new TcpMux(null, rtc.tcpPort()) : null;
    }

    /**
     * Candidate addresses: with rtc.use_external_ip, the address the STUN servers see (rtc.stun_servers, else
     * LiveKit's defaults; it replaces node_ip, and the server does not start without it; no loopback is added,
     * also not in dev mode);
     * otherwise rtc.node_ip when set (one address, or "ipv4,ipv6"); otherwise every up, non-loopback IPv4
     * address of the machine (filtered by rtc.interfaces / rtc.ips includes and excludes), plus 127.0.0.1 in
     * dev mode, with enable_loopback_candidate, or when the machine has nothing else.
     */
    static List<InetAddress> advertisedAddresses(ServerConfig cfg) throws IOException {
        return advertisedAddresses(cfg, ExternalAddress.RTO_MILLIS);
    }

    /** {@code stunRtoMillis}: the STUN requests' first retransmission timeout (tests shorten it). */
    static List<InetAddress> advertisedAddresses(ServerConfig cfg, long stunRtoMillis) throws IOException {
        ServerConfig.Rtc rtc = cfg.rtc();
        if (rtc.useExternalIp()) {
            List<String> servers = rtc.stunServers().isEmpty() ? ExternalAddress.DEFAULT_STUN_SERVERS : rtc.stunServers();
            return List.of(ExternalAddress.resolve(servers, stunRtoMillis));
        }
        if (rtc.nodeIp() != null && !rtc.nodeIp().isBlank()) {
            return nodeIps(rtc.nodeIp());
        }
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            if (!rtc.interfaceIncludes().isEmpty() && !rtc.interfaceIncludes().contains(ni.getName())
                    || rtc.interfaceExcludes().contains(ni.getName())) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                String ip = a.getHostAddress();
                if (a instanceof Inet4Address && (rtc.ipIncludes().isEmpty() || rtc.ipIncludes().contains(ip))
                        && !rtc.ipExcludes().contains(ip)) {
                    out.add(a);
                }
            }
        }
        if (out.isEmpty() || cfg.development() || rtc.enableLoopbackCandidate()) {
            out.add(InetAddress.getLoopbackAddress());
        }
        return out;
    }

    /**
     * @param iceLite rtc.use_ice_lite: only answer checks and advertise a=ice-lite (the browser then
     *                controls both PCs); false (LiveKit's default): a full agent, controlling on the
     *                subscriber PC the server offers and controlled on the publisher PC
     */
    static MediaPlane mediaPlane(UdpMux mux, TcpMux tcp, List<InetAddress> addrs, boolean iceLite) {
        log.info("rtc candidates addresses={} tcpPort={} iceLite={}", addrs, tcp == null ? 0 : tcp.port(), iceLite);
        MediaPlane plane = new MediaPlane(mux, tcp, addrs, iceLite);
        plane.warmUp(); // in the background: the first participant must not pay the cold DTLS stack
        return plane;
    }
}
