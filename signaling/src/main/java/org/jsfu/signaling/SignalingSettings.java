package org.jsfu.signaling;

import java.util.List;

/**
 * What the HTTP/WebSocket/Twirp server needs from the configuration (sizes in bytes).
 * {@code pingIntervalS}/{@code pingTimeoutS} go into JoinResponse; {@code refreshIntervalMs} is how often
 * a fresh token is pushed to each participant; {@code resumeWindowMs} how long a participant whose
 * signalling WebSocket closed without leave, its media still connected, is kept for a resume;
 * {@code iceServers} go into JoinResponse and ReconnectResponse ({@link ClientIceServer}).
 */
public record SignalingSettings(List<String> bindAddresses, int port, boolean autoCreate, int maxMetadataSize,
                                int maxAttributesSize, int maxRoomNameLength, int maxIdentityLength,
                                int signalMessageSizeLimit, int maxApiRequestBodySize, int pingIntervalS,
                                int pingTimeoutS, long refreshIntervalMs, long resumeWindowMs,
                                List<ClientIceServer> iceServers) {
    public SignalingSettings {
        iceServers = List.copyOf(iceServers);
    }

    /** How long a participant whose signalling closed (media connected) waits for a resume: 60 s. */
    public static final long DEFAULT_RESUME_WINDOW_MS = 60_000;

    public static final String SERVER_VERSION = "1.9.0";
    public static final int PROTOCOL = 17;

    /** LiveKit's defaults on 127.0.0.1 with the given port (0 = ephemeral). */
    public static SignalingSettings defaults(int port) {
        return new SignalingSettings(List.of("127.0.0.1"), port, true, 512 * 1024, 64 * 1024, 256, 256,
                2 * 1024 * 1024, 10 * 1024 * 1024, 5, 15, 5 * 60_000L, DEFAULT_RESUME_WINDOW_MS, List.of());
    }
}
