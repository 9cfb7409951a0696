package org.jsfu.signaling.proto;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitModels;
import org.jsfu.core.room.DataPacketRouter;

/**
 * {@link DataPacketRouter} over livekit.DataPacket: the sender identity and sid are always the
 * server's (a client cannot impersonate another), destinations come from the packet
 * (destination_identities, and user.destination_sids / destination_identities). Undecodable packets
 * and server-only kinds (speaker updates) are dropped.
 */
public final class DataPackets implements DataPacketRouter {
    @Override
    public Routed route(byte[] raw, int off, int len, String senderSid, String senderIdentity) {
        LivekitModels.DataPacket p;
        try {
            p = LivekitModels.DataPacket.parseFrom(com.google.protobuf.ByteString.copyFrom(raw, off, len));
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
        if (p.hasSpeaker()) {
            return null;
        }
        LivekitModels.DataPacket.Builder b = p.toBuilder()
                .setParticipantIdentity(senderIdentity)
                .setParticipantSid(senderSid);
        List<String> identities = new ArrayList<>(p.getDestinationIdentitiesList());
        List<String> sids = new ArrayList<>();
        if (p.hasUser()) {
            b.getUserBuilder().setParticipantIdentity(senderIdentity).setParticipantSid(senderSid);
            sids.addAll(p.getUser().getDestinationSidsList());
            for (String id : p.getUser().getDestinationIdentitiesList()) {
                if (!identities.contains(id)) {
                    identities.add(id);
                }
            }
        }
        return new Routed(b.build().toByteArray(), sids, identities, p.getSequence() & 0xffffffffL);
    }
}
