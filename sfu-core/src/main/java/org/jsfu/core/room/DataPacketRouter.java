package org.jsfu.core.room;

import java.util.List;

/**
 * Reads a client's encoded livekit.DataPacket, stamps the server-known sender on it (clients cannot
 * forge it) and says where it goes. Implemented in signaling (it owns protobuf); called on the loop.
 */
@FunctionalInterface
public interface DataPacketRouter {
    /** The re-encoded packet and its destinations (both empty = everybody else), or null to drop it. */
    Routed route(byte[] raw, int off, int len, String senderSid, String senderIdentity);

    /** {@code sequence}: the packet's DataPacket.sequence (0 when unset), for a resume's last_message_seq. */
    record Routed(byte[] packet, List<String> destSids, List<String> destIdentities, long sequence) {
        public Routed {
            destSids = List.copyOf(destSids);
            destIdentities = List.copyOf(destIdentities);
        }

        public Routed(byte[] packet, List<String> destSids, List<String> destIdentities) {
            this(packet, destSids, destIdentities, 0);
        }
    }
}
