package org.jsfu.server;

import static livekit.LivekitRtc.SignalResponse.MessageCase.JOIN;
import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import io.livekit.server.CanPublishData;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;

/** Client data packets (as the media plane hands them over): canPublishData and a server-set sender. */
class DataRelayTest {

    @Test
    void senderIsStampedByTheServerAndDestinationsHonoured() throws Exception {
        PublishOnOfferMedia media = new PublishOnOfferMedia();
        try (TestServer s = TestServer.start("", media);
             WsClient alice = WsClient.join(s, Tokens.token("alice", new RoomJoin(true), new RoomName("data"))); 
             WsClient bob = WsClient.join(s, Tokens.token("bob", new RoomJoin(true), new RoomName("data")));
             WsClient carol = WsClient.join(s, Tokens.token("carol", new RoomJoin(true), new RoomName("data")));
             WsClient mute = WsClient.join(s, Tokens.token("mute", new RoomJoin(true), new RoomName("data"),
                     new CanPublishData(false)))) {
            alice.await(JOIN);
            bob.await(JOIN);
            carol.await(JOIN);
            mute.await(JOIN);
            // alice pretends to be bob and sends to carol only
            byte[] forged = LivekitModels.DataPacket.newBuilder()
                    .setParticipantIdentity("bob")
                    .setKind(LivekitModels.DataPacket.Kind.RELIABLE)
                    .setUser(LivekitModels.UserPacket.newBuilder().setParticipantIdentity("bob")
                            .setPayload(ByteString.copyFromUtf8("hi")).addDestinationIdentities("carol"))
                    .build().toByteArray();
            int delivered = s.server.rooms().withRoom("data",
                    r -> r.participant("alice").onClientData(forged, 0, forged.length, true)).get(5, TimeUnit.SECONDS);
            assertEquals(1, delivered);
            LivekitModels.DataPacket got = LivekitModels.DataPacket.parseFrom(media.data.get("carol").get(0));
            assertEquals("alice", got.getParticipantIdentity());
            assertEquals("alice", got.getUser().getParticipantIdentity());
            assertTrue(got.getParticipantSid().startsWith("PA_"));
            assertEquals("hi", got.getUser().getPayload().toStringUtf8());
            assertNull(media.data.get("bob"));

            // broadcast (no destinations) reaches everybody but the sender
            byte[] all = LivekitModels.DataPacket.newBuilder().setUser(LivekitModels.UserPacket.newBuilder()
                    .setPayload(ByteString.copyFromUtf8("all"))).build().toByteArray();
            assertEquals(3, (int) s.server.rooms().withRoom("data",
                    r -> r.participant("alice").onClientData(all, 0, all.length, false)).get(5, TimeUnit.SECONDS));
            // without canPublishData, and for garbage, nothing is forwarded
            assertEquals(0, (int) s.server.rooms().withRoom("data",
                    r -> r.participant("mute").onClientData(all, 0, all.length, false)).get(5, TimeUnit.SECONDS));
            byte[] junk = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
            assertEquals(0, (int) s.server.rooms().withRoom("data",
                    r -> r.participant("alice").onClientData(junk, 0, junk.length, true)).get(5, TimeUnit.SECONDS));
        }
    }
}
