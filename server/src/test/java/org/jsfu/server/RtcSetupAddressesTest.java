package org.jsfu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsfu.conf.ConfigLoader;
import org.jsfu.conf.ServerConfig;
import org.junit.jupiter.api.Test;

/**
 * The addresses put in the server's ICE candidates ({@link RtcSetup#advertisedAddresses}): with
 * rtc.use_external_ip, the one a STUN server reports ({@link StunResponder} stands in for it); rtc.node_ip
 * alone when set; otherwise every up, non-loopback IPv4 address of this machine (rtc.interfaces and
 * rtc.ips filter them), plus 127.0.0.1 in development mode, with rtc.enable_loopback_candidate, or when
 * nothing else is left. The machine's addresses are read here from {@link NetworkInterface} directly.
 */
class RtcSetupAddressesTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static ServerConfig config(String rtcLines, boolean dev) {
        String yaml = "keys:\n  k: secretsecretsecretsecretsecret00\nrtc:\n  udp_port: 7882\n" + rtcLines;
        String[] args = dev ? new String[] {"--config-body", yaml, "--dev"} : new String[] {"--config-body", yaml};
        return ConfigLoader.load(args, Map.of());
    }

    private static Set<InetAddress> advertised(String rtcLines, boolean dev) throws Exception {
        List<InetAddress> out = RtcSetup.advertisedAddresses(config(rtcLines, dev));
        Set<InetAddress> set = new LinkedHashSet<>(out);
        assertEquals(out.size(), set.size(), "no address twice: " + out);
        return set;
    }

    /** Up, non-loopback IPv4 addresses of this machine, by interface name. */
    private static Map<String, List<InetAddress>> machine() throws Exception {
        Map<String, List<InetAddress>> out = new java.util.TreeMap<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (ni.isUp() && !ni.isLoopback()) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        out.computeIfAbsent(ni.getName(), k -> new ArrayList<>()).add(a);
                    }
                }
            }
        }
        return out;
    }

    private static Set<InetAddress> all(Map<String, List<InetAddress>> byInterface) {
        Set<InetAddress> out = new LinkedHashSet<>();
        byInterface.values().forEach(out::addAll);
        return out;
    }

    @Test
    void nodeIpIsTheOnlyAddress() throws Exception {
        assertEquals(Set.of(InetAddress.getByName("198.51.100.7")), advertised("  node_ip: 198.51.100.7\n", false));
        assertEquals(Set.of(InetAddress.getByName("198.51.100.7")), advertised("  node_ip: 198.51.100.7\n", true),
                "development mode adds no loopback to an explicit node_ip");
        assertEquals(Set.of(LOOPBACK), advertised("  node_ip: 127.0.0.1\n", false));
    }

    @Test
    void nodeIpMayNameAnIpv4AndAnIpv6AddressAsLiveKitAllows() throws Exception {
        List<InetAddress> both = RtcSetup.advertisedAddresses(config("  node_ip: 198.51.100.7, 2001:db8::7\n", false));
        assertEquals(List.of(InetAddress.getByName("198.51.100.7"), InetAddress.getByName("2001:db8::7")), both);
        assertEquals(List.of(), RtcSetup.bindAddresses(both), "two families not on this machine: the dual-stack wildcard");
        for (String bad : List.of("198.51.100.7,198.51.100.8", "198.51.100.7,2001:db8::7,2001:db8::8", "198.51.100.7,")) {
            java.io.IOException e = assertThrows(java.io.IOException.class,
                    () -> RtcSetup.advertisedAddresses(config("  node_ip: \"" + bad + "\"\n", false)), bad);
            assertTrue(e.getMessage().startsWith("rtc.node_ip: "), e.getMessage());
        }
    }

    @Test
    void withoutNodeIpEveryNonLoopbackIpv4AddressAndNoLoopback() throws Exception {
        Set<InetAddress> local = all(machine());
        Set<InetAddress> got = advertised("", false);
        if (local.isEmpty()) {
            assertEquals(Set.of(LOOPBACK), got, "a machine with no other address advertises loopback");
        } else {
            assertEquals(local, got);
            assertFalse(got.stream().anyMatch(InetAddress::isLoopbackAddress), "no loopback in production: " + got);
        }
        for (InetAddress a : got) {
            assertTrue(a instanceof Inet4Address, "IPv4 only: " + a);
        }
    }

    @Test
    void loopbackIsAddedInDevelopmentOrWhenEnabled() throws Exception {
        Set<InetAddress> expected = new LinkedHashSet<>(all(machine()));
        expected.add(LOOPBACK);
        assertEquals(expected, advertised("", true), "development mode");
        assertEquals(expected, advertised("  enable_loopback_candidate: true\n", false), "enable_loopback_candidate");
    }

    @Test
    void interfaceAndIpFiltersApply() throws Exception {
        Map<String, List<InetAddress>> machine = machine();
        // excluding every address leaves nothing but the loopback fallback
        StringBuilder ips = new StringBuilder("  ips:\n    excludes: [");
        StringBuilder names = new StringBuilder("  interfaces:\n    excludes: [");
        for (var e : machine.entrySet()) {
            names.append(e.getKey()).append(", ");
            e.getValue().forEach(a -> ips.append(a.getHostAddress()).append(", "));
        }
        ips.append("192.0.2.250]\n");
        names.append("nosuchif0]\n");
        assertEquals(Set.of(LOOPBACK), advertised(ips.toString(), false), "ips.excludes");
        assertEquals(Set.of(LOOPBACK), advertised(names.toString(), false), "interfaces.excludes");
        if (machine.isEmpty()) {
            return; // nothing further to select from on this machine
        }
        var first = machine.entrySet().iterator().next();
        assertEquals(new LinkedHashSet<>(first.getValue()),
                advertised("  interfaces:\n    includes: [" + first.getKey() + "]\n", false), "interfaces.includes");
        InetAddress one = first.getValue().get(0);
        assertEquals(Set.of(one), advertised("  ips:\n    includes: [" + one.getHostAddress() + "]\n", false),
                "ips.includes");
    }

    @Test
    void aNodeIpNotOnThisMachineBindsTheWildcardOfItsFamily() throws Exception {
        InetAddress any4 = InetAddress.getByName("0.0.0.0");
        assertEquals(List.of(any4), RtcSetup.bindAddresses(List.of(InetAddress.getByName("198.51.100.7"))),
                "IPv4 wildcard: IPv4 sockets, batched sends");
        assertEquals(List.of(), RtcSetup.bindAddresses(List.of(InetAddress.getByName("2001:db8::7"))), "dual-stack");
        assertEquals(List.of(LOOPBACK), RtcSetup.bindAddresses(List.of(LOOPBACK)), "a local address is bound itself");
        int port;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        ServerConfig cfg = ConfigLoader.load(new String[] {"--config-body",
                "keys:\n  k: secretsecretsecretsecretsecret00\nrtc:\n  udp_port: " + port + "\n  node_ip: 198.51.100.7\n"},
                Map.of());
        org.jsfu.core.transport.UdpMux mux = RtcSetup.openUdp(cfg.rtc(), RtcSetup.advertisedAddresses(cfg));
        try {
            assertEquals(1, mux.sockets().size());
            assertEquals(any4, mux.sockets().get(0).localAddress());
            assertEquals(port, mux.sockets().get(0).port());
        } finally {
            mux.close();
        }
    }

    @Test
    void useExternalIpAdvertisesWhatTheStunServerSeesInsteadOfNodeIp() throws Exception {
        InetSocketAddress nat = new InetSocketAddress("203.0.113.7", 40123);
        try (StunResponder stun = new StunResponder(nat, StunResponder.Mode.ANSWER)) {
            ServerConfig cfg = config("  node_ip: 198.51.100.7\n  use_external_ip: true\n  stun_servers: [\""
                    + stun.server() + "\"]\n", false);
            List<InetAddress> advertised = RtcSetup.advertisedAddresses(cfg, 20);
            assertEquals(List.of(nat.getAddress()), advertised);
            assertEquals(List.of(InetAddress.getByName("0.0.0.0")), RtcSetup.bindAddresses(advertised),
                    "the NAT's address is not this machine's: the IPv4 wildcard is bound");
        }
    }

    @Test
    void useExternalIpWithoutAnAnswerStopsTheStart() throws Exception {
        try (StunResponder stun = new StunResponder(new InetSocketAddress("203.0.113.7", 1), StunResponder.Mode.SILENT)) {
            ServerConfig cfg = config("  use_external_ip: true\n  stun_servers: [\"" + stun.server() + "\"]\n", true);
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> RtcSetup.advertisedAddresses(cfg, 20));
            assertTrue(e.getMessage().contains("rtc.use_external_ip") && e.getMessage().contains(stun.server()),
                    e.getMessage());
        }
    }
}
