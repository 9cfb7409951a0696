package org.jsfu.signaling.auth;

import java.time.Instant;
import java.util.Map;

/**
 * The claims of a verified LiveKit access token.
 *
 * @param identity {@code sub}, or {@code jti} when sub is empty; "" when neither is set
 * @param kind "standard", "ingress", "egress", "sip", "agent" or "" when absent
 * @param video never null: {@link VideoGrant#DEFAULTS} when the token has no video claim
 * @param roomConfigJson the {@code roomConfig} claim as JSON text (protojson RoomConfiguration), or null
 * @param sha256 the {@code sha256} claim (webhooks), or null
 * @param notBefore {@code nbf}, or null when absent
 * @param expiresAt {@code exp}; ignored by {@link TokenIssuer}, which computes it from the ttl
 * @param apiKey {@code iss}, the API key that signed the token; ignored by {@link TokenIssuer}
 */
public record AccessClaims(
        String identity,
        String name,
        String metadata,
        Map<String, String> attributes,
        String kind,
        VideoGrant video,
        String roomConfigJson,
        String sha256,
        Instant notBefore,
        Instant expiresAt,
        String apiKey) {

    public AccessClaims {
        identity = identity == null ? "" : identity;
        name = name == null ? "" : name;
        metadata = metadata == null ? "" : metadata;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        kind = kind == null ? "" : kind;
    }

    /** The design.md shape, without {@code apiKey} (set to null). */
    public AccessClaims(String identity, String name, String metadata, Map<String, String> attributes, String kind,
                        VideoGrant video, String roomConfigJson, String sha256, Instant notBefore, Instant expiresAt) {
        this(identity, name, metadata, attributes, kind, video, roomConfigJson, sha256, notBefore, expiresAt, null);
    }

    /** Claims for a participant token (issuing). */
    public static AccessClaims of(String identity, String name, VideoGrant video) {
        return new AccessClaims(identity, name, "", Map.of(), "", video, null, null, null, null, null);
    }

    /** Claims for a webhook signature: only {@code sha256}, no identity or grant (as LiveKit sends). */
    public static AccessClaims webhook(String sha256) {
        return new AccessClaims("", "", "", Map.of(), "", null, null, sha256, null, null, null);
    }

    public AccessClaims withVideo(VideoGrant v) {
        return new AccessClaims(identity, name, metadata, attributes, kind, v, roomConfigJson, sha256, notBefore, expiresAt, apiKey);
    }

    public AccessClaims withMetadata(String md, Map<String, String> attrs) {
        return new AccessClaims(identity, name, md, attrs, kind, video, roomConfigJson, sha256, notBefore, expiresAt, apiKey);
    }

    public AccessClaims withName(String n) {
        return new AccessClaims(identity, n, metadata, attributes, kind, video, roomConfigJson, sha256, notBefore, expiresAt, apiKey);
    }
}
