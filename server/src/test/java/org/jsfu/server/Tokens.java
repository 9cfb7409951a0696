package org.jsfu.server;

import io.livekit.server.AccessToken;
import io.livekit.server.VideoGrant;

/** Tokens made with the official Kotlin SDK. */
final class Tokens {
    private Tokens() {}

    static String token(String identity, VideoGrant... grants) {
        return token(TestServer.KEY, TestServer.SECRET, identity, grants);
    }

    static String token(String key, String secret, String identity, VideoGrant... grants) {
        AccessToken t = new AccessToken(key, secret);
        if (identity != null) {
            t.setIdentity(identity);
            t.setName(identity + " name");
        }
        t.addGrants(grants);
        return t.toJwt();
    }
}
