package org.jsfu.core.sdp;

import java.util.List;

/**
 * The remote peer's transport parameters from its SDP (first non-rejected m-line, session-level
 * fallback). {@code setup} is what the remote wrote: ACTPASS in offers, ACTIVE/PASSIVE in answers.
 */
public record RemoteTransport(String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprint,
                              Setup setup, boolean iceLite, List<String> candidates) {
    public RemoteTransport {
        candidates = List.copyOf(candidates);
    }

    /**
     * True when the local side must act as DTLS server given the remote's setup, assuming the local
     * side answered {@code passive} to an {@code actpass} offer (RFC 8842 §5.2): remote ACTIVE or
     * ACTPASS -> we are the server; remote PASSIVE -> we are the client.
     */
    public boolean localIsDtlsServer() {
        return setup != Setup.PASSIVE;
    }
}
