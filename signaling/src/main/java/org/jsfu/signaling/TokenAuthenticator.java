package org.jsfu.signaling;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import livekit.LivekitRoom;
import org.jsfu.core.room.RoomOptions;
import org.jsfu.core.room.TrackSource;
import org.jsfu.signaling.auth.AccessClaims;
import org.jsfu.signaling.auth.AuthException;
import org.jsfu.signaling.auth.TokenIssuer;
import org.jsfu.signaling.auth.TokenVerifier;
import org.jsfu.signaling.auth.VideoGrant;
import org.jsfu.signaling.proto.ProtoMapper;

/** {@link Authenticator} over {@link TokenVerifier} and {@link TokenIssuer} (glue only). */
public final class TokenAuthenticator implements Authenticator {
    private static final Duration MIN_REFRESH_TTL = Duration.ofMinutes(10);

    private final Map<String, String> keys;
    private final TokenVerifier verifier;

    public TokenAuthenticator(Map<String, String> keys) {
        this.keys = Map.copyOf(keys);
        this.verifier = new TokenVerifier(keys);
    }

    @Override
    public Grants verify(String token, long nowMs) throws AuthFailure {
        AccessClaims c;
        try {
            c = verifier.verify(token, nowMs);
        } catch (AuthException e) {
            throw new AuthFailure(e.getMessage());
        }
        VideoGrant v = c.video();
        List<TrackSource> sources = new ArrayList<>();
        for (String s : v.canPublishSources()) {
            for (TrackSource ts : TrackSource.values()) {
                if (ts.grantName().equals(s)) {
                    sources.add(ts);
                }
            }
        }
        long exp = c.expiresAt() == null ? Long.MAX_VALUE : c.expiresAt().toEpochMilli();
        return new Grants(c.identity(), c.name(), c.metadata(), c.attributes(), c.kind(), v.roomJoin(), v.room(),
                v.roomCreate(), v.roomList(), v.roomRecord(), v.roomAdmin(), v.canPublish(), v.canSubscribe(),
                v.canPublishData(), sources, v.canUpdateOwnMetadata(), v.hidden(), v.recorder(), v.agent(),
                v.destinationRoom(), roomOptions(c.roomConfigJson()), exp, c);
    }

    /** The token's roomConfig (protojson RoomConfiguration), applied when the join creates the room. */
    static RoomOptions roomOptions(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            LivekitRoom.RoomConfiguration.Builder b = LivekitRoom.RoomConfiguration.newBuilder();
            JsonFormat.parser().ignoringUnknownFields().merge(json, b);
            return new RoomOptions(b.getEmptyTimeout(), b.getDepartureTimeout(), b.getMaxParticipants(),
                    b.getMetadata(), b.hasEgress() ? ProtoMapper.egress(b.getEgress()) : null);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    /** Same grants, signed with the key that signed the original; valid 10 min or its remaining life. */
    @Override
    public String refresh(Grants grants, long nowMs) {
        AccessClaims c = (AccessClaims) grants.source();
        String key = c.apiKey();
        String secret = keys.get(key);
        long remaining = grants.expiresAtMs() == Long.MAX_VALUE ? 0 : grants.expiresAtMs() - nowMs;
        Duration ttl = remaining > MIN_REFRESH_TTL.toMillis() ? Duration.ofMillis(remaining) : MIN_REFRESH_TTL;
        return TokenIssuer.issue(key, secret, c, nowMs, ttl);
    }
}
