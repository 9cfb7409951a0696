package org.jsfu.core.ice;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * ICE candidate lines (RFC 8839 5.1): formatting the server's host candidates for SDP or trickle
 * and parsing a remote candidate for logging and addresses.
 */
public final class IceCandidates {
    /** RFC 8445 5.1.2.2: recommended type preference of host candidates. */
    public static final int TYPE_PREF_HOST = 126;
    /** RFC 6544 4.2: direction preference of passive TCP host candidates. */
    static final int TCP_PASSIVE_DIRECTION_PREF = 4;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private IceCandidates() {
    }

    /** RFC 8445 5.1.2.1: priority = 2^24 * type pref + 2^8 * local pref + (256 - component id). */
    public static long priority(int typePref, int localPref, int componentId) {
        if (typePref < 0 || typePref > 126 || localPref < 0 || localPref > 65535 || componentId < 1 || componentId > 256) {
            throw new IllegalArgumentException("priority inputs out of range");
        }
        return ((long) typePref << 24) + ((long) localPref << 8) + (256 - componentId);
    }

    /**
     * Host UDP candidate for component 1. {@code index} (0..) orders several local addresses: the
     * first gets local preference 65535, the next 65534, ...
     */
    public static String udpHost(InetAddress ip, int port, int index) {
        long prio = priority(TYPE_PREF_HOST, 65535 - index, 1);
        return "candidate:" + foundation("host", "udp", ip) + " 1 udp " + prio + " " + ip.getHostAddress()
                + " " + port + " typ host generation 0";
    }

    /**
     * Passive TCP host candidate (RFC 6544 4.5); local preference per RFC 6544 4.2:
     * 2^13 * direction-pref + other-pref, with other-pref 8191 - index.
     */
    public static String tcpPassiveHost(InetAddress ip, int port, int index) {
        int localPref = (TCP_PASSIVE_DIRECTION_PREF << 13) + (8191 - index);
        long prio = priority(TYPE_PREF_HOST, localPref, 1);
        return "candidate:" + foundation("host", "tcp", ip) + " 1 tcp " + prio + " " + ip.getHostAddress()
                + " " + port + " typ host tcptype passive generation 0";
    }

    /** RFC 8445 5.1.1.3: same type, base address and protocol give the same foundation. */
    static String foundation(String type, String protocol, InetAddress ip) {
        CRC32 crc = new CRC32();
        crc.update((type + "/" + protocol + "/" + ip.getHostAddress()).getBytes(StandardCharsets.US_ASCII));
        return Long.toString(crc.getValue());
    }

    /** A parsed candidate; {@code tcpType}, {@code relatedAddress} may be null, {@code relatedPort} -1. */
    public record Candidate(String foundation, int component, String protocol, long priority, String address,
                            int port, String type, String tcpType, String relatedAddress, int relatedPort) {

        /**
         * The address: resolved for IP literals, unresolved for anything else (mDNS ".local" names);
         * never does a DNS lookup.
         */
        public InetSocketAddress socketAddress() {
            InetAddress ip = literal(address);
            return ip != null ? new InetSocketAddress(ip, port) : InetSocketAddress.createUnresolved(address, port);
        }
    }

    /**
     * Parses {@code candidate:...} (with or without "a=" prefix); null if malformed. Extension
     * attributes other than raddr/rport/tcptype are skipped.
     */
    public static Candidate parse(String line) {
        if (line == null) return null;
        String s = line.trim();
        if (s.startsWith("a=")) s = s.substring(2);
        if (!s.startsWith("candidate:")) return null;
        String[] f = s.substring("candidate:".length()).split("\\s+");
        if (f.length < 8 || !"typ".equals(f[6])) return null;
        try {
            int component = Integer.parseInt(f[1]);
            long prio = Long.parseLong(f[3]);
            int port = Integer.parseInt(f[5]);
            if (component < 1 || component > 256 || prio < 0 || prio > 0xFFFFFFFFL || port < 0 || port > 65535) {
                return null;
            }
            String tcpType = null;
            String raddr = null;
            int rport = -1;
            for (int i = 8; i + 1 < f.length; i += 2) {
                switch (f[i]) {
                    case "tcptype" -> tcpType = f[i + 1];
                    case "raddr" -> raddr = f[i + 1];
                    case "rport" -> rport = Integer.parseInt(f[i + 1]);
                    default -> { }
                }
            }
            if (f[0].isEmpty() || f[4].isEmpty()) return null;
            return new Candidate(f[0], component, f[2].toLowerCase(Locale.ROOT), prio, f[4], port, f[7], tcpType,
                    raddr, rport);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The "candidate" member of an RTCIceCandidateInit JSON object (LiveKit's trickle). */
    private static final Pattern CANDIDATE_INIT = Pattern.compile("\"candidate\"\\s*:\\s*\"(candidate:[^\"\\\\]*)\"");

    /**
     * The candidate line of a trickled RTCIceCandidateInit JSON text ({@code {"candidate":
     * "candidate:...","sdpMid":"0",...}}), or null if absent or empty (end of candidates).
     */
    public static String fromCandidateInit(String json) {
        if (json == null) return null;
        java.util.regex.Matcher m = CANDIDATE_INIT.matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** An IPv4/IPv6 literal, or null; no name resolution. */
    static InetAddress literal(String host) {
        if (host == null) return null;
        try {
            if (IPV4.matcher(host).matches()) {
                for (String part : host.split("\\.")) {
                    if (Integer.parseInt(part) > 255) return null;
                }
                return InetAddress.getByName(host);
            }
            if (host.indexOf(':') >= 0 && host.matches("[0-9a-fA-F:.%\\[\\]]+")) {
                InetAddress a = InetAddress.getByName(host); // literal: no lookup for ':' forms
                return a instanceof Inet6Address ? a : null;
            }
        } catch (UnknownHostException | NumberFormatException e) {
            return null;
        }
        return null;
    }
}
