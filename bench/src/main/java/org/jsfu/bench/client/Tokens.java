package org.jsfu.bench.client;

import io.livekit.server.AccessToken;
import io.livekit.server.CanPublish;
import io.livekit.server.CanPublishData;
import io.livekit.server.CanSubscribe;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;

/** Join tokens made with LiveKit's own Kotlin server SDK, as an application backend would. */
public final class Tokens {
    private Tokens() {}

    public static String join(String apiKey, String secret, String room, String identity, boolean canPublish,
                              boolean canSubscribe) {
        AccessToken t = new AccessToken(apiKey, secret);
        t.setIdentity(identity);
        t.setName(identity);
        t.addGrants(new RoomJoin(true), new RoomName(room), new CanPublish(canPublish),
                new CanSubscribe(canSubscribe), new CanPublishData(true));
        return t.toJwt();
    }
}
