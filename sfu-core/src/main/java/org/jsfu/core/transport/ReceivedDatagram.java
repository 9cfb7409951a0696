package org.jsfu.core.transport;

/**
 * A pooled receive buffer and what the receive thread learnt about its datagram: the path it came by
 * and when. Lives in a {@link ReceivePool}; taken by the receive thread, filled, queued on the owning
 * loop's {@link LoopInbox} and returned by the loop once the transport handled it.
 */
final class ReceivedDatagram {
    /** Room for the largest datagram plus the SRTP tag and index space ({@link PeerTransport#TAG_ROOM}). */
    final byte[] buf = new byte[UdpMux.MAX_DATAGRAM + PeerTransport.TAG_ROOM];
    /** A view of {@link #buf}'s first {@link UdpMux#MAX_DATAGRAM} bytes (array offset 0), for the channel to read into. */
    final java.nio.ByteBuffer view = java.nio.ByteBuffer.wrap(buf, 0, UdpMux.MAX_DATAGRAM).slice();
    int len;
    PacketPath path;
    PeerTransport transport;
    long nanos;

    void clear() {
        path = null;
        transport = null;
        len = 0;
    }
}
