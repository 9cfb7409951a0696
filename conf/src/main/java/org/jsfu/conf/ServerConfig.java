package org.jsfu.conf;

import java.util.List;
import java.util.Map;

/**
 * The server configuration: livekit.yaml plus flags and env, with LiveKit's defaults (except the
 * default UDP range, which is jsfu's 44200-44300). Built by {@link ConfigLoader}; immutable.
 *
 * @param bindAddresses addresses to listen on; "0.0.0.0" means all interfaces
 * @param keys API key to secret
 * @param warnings unknown keys and other non-fatal findings, for logging at start
 */
public record ServerConfig(
        int port,
        List<String> bindAddresses,
        Rtc rtc,
        Redis redis,
        Map<String, String> keys,
        Webhook webhook,
        Room room,
        Logging logging,
        Limit limit,
        String region,
        int prometheusPort,
        boolean development,
        boolean enableDataTracks,
        List<String> warnings) {

    public static final int DEFAULT_PORT = 7880;
    public static final int DEFAULT_TCP_PORT = 7881;
    public static final int DEFAULT_PORT_RANGE_START = 44200;
    public static final int DEFAULT_PORT_RANGE_END = 44300;

    public ServerConfig {
        bindAddresses = List.copyOf(bindAddresses);
        keys = Map.copyOf(keys);
        warnings = List.copyOf(warnings);
    }

    /** True when a Redis address is configured (multi-node / external egress); otherwise state is in memory. */
    public boolean redisEnabled() {
        return redis.address() != null && !redis.address().isEmpty();
    }

    /**
     * rtc section. UDP: when {@code udpPort > 0}, media uses the ports udpPort..udpPortEnd (a single
     * port when equal); otherwise one socket per peer from portRangeStart..portRangeEnd.
     */
    public record Rtc(
            int udpPort,
            int udpPortEnd,
            int tcpPort,
            int portRangeStart,
            int portRangeEnd,
            String nodeIp,
            boolean useExternalIp,
            boolean useIceLite,
            boolean enableLoopbackCandidate,
            boolean useMdns,
            boolean allowTcpFallback,
            List<String> stunServers,
            List<TurnServer> turnServers,
            List<String> interfaceIncludes,
            List<String> interfaceExcludes,
            List<String> ipIncludes,
            List<String> ipExcludes,
            int packetBufferSize) {
        public Rtc {
            stunServers = List.copyOf(stunServers);
            turnServers = List.copyOf(turnServers);
            interfaceIncludes = List.copyOf(interfaceIncludes);
            interfaceExcludes = List.copyOf(interfaceExcludes);
            ipIncludes = List.copyOf(ipIncludes);
            ipExcludes = List.copyOf(ipExcludes);
        }

        /** True when a fixed UDP port (or udp_port range) is configured rather than the per-peer range. */
        public boolean udpMux() {
            return udpPort > 0;
        }
    }

    /** An entry of rtc.turn_servers; protocol is "udp", "tcp" or "tls". */
    public record TurnServer(String host, int port, String protocol, String username, String credential, String secret, int ttl) {
        /** Without the credential and the secret. */
        @Override
        public String toString() {
            return "TurnServer[" + protocol + " " + host + ":" + port + (secret.isEmpty() ? " static" : " secret ttl=" + ttl) + "]";
        }
    }

    public record Redis(String address, String username, String password, int db, boolean useTls) {}

    /** webhook: events are signed with {@code apiKey}'s secret from {@link ServerConfig#keys()}. */
    public record Webhook(String apiKey, List<String> urls) {
        public Webhook {
            urls = List.copyOf(urls);
        }
    }

    /**
     * room section; timeouts in seconds. {@code maxParticipants} 0 means unlimited. {@code resumeTimeout}
     * (jsfu's {@code room.resume_timeout}, not a LiveKit key; default 60): how long a participant whose
     * signalling WebSocket closed without leave, its media connected, waits for the client's resume.
     */
    public record Room(
            boolean autoCreate,
            int emptyTimeout,
            int departureTimeout,
            int maxParticipants,
            int maxMetadataSize,
            List<Codec> enabledCodecs,
            int resumeTimeout) {
        public Room {
            enabledCodecs = List.copyOf(enabledCodecs);
        }
    }

    /** An entry of room.enabled_codecs, e.g. mime "audio/opus". */
    public record Codec(String mime, String fmtpLine) {}

    public record Logging(String level, boolean json) {}

    /** limit section; sizes in bytes, lengths in characters; 0 means no limit. */
    public record Limit(
            int numTracks,
            long bytesPerSec,
            int maxMetadataSize,
            int maxAttributesSize,
            int maxRoomNameLength,
            int maxParticipantIdentityLength,
            long signalMessageSizeLimit,
            long maxApiRequestBodySize) {}
}
