package org.jsfu.core.sdp;

import java.util.List;
import java.util.Objects;

/**
 * The server's side of one peer connection as written into SDP: ICE credentials (RFC 8839 §5.4),
 * the SHA-256 certificate fingerprint as upper-case colon-separated hex ("AB:CD:..", RFC 8122 §5),
 * candidate attribute values (without "candidate:") and whether ICE-lite is advertised (RFC 8445 §2.5).
 */
public record LocalTransport(String iceUfrag, String icePwd, String fingerprintSha256, List<String> candidates,
                             boolean iceLite) {
    public LocalTransport {
        Objects.requireNonNull(iceUfrag, "iceUfrag");
        Objects.requireNonNull(icePwd, "icePwd");
        Objects.requireNonNull(fingerprintSha256, "fingerprintSha256");
        if (iceUfrag.length() < 4 || icePwd.length() < 22) {
            throw new IllegalArgumentException("ice-ufrag needs >= 4 chars and ice-pwd >= 22 (RFC 8839 §5.4)");
        }
        candidates = List.copyOf(candidates);
    }
}
