package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.room.MediaLoops;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.RoomDefaults;
import org.jsfu.core.room.RoomManager;
import org.jsfu.core.room.RoomOptions;
import org.jsfu.core.transport.PeerTransport;
import org.jsfu.core.transport.UdpMux;
import org.junit.jupiter.api.Test;

/**
 * On a port range the media plane gives a room's subscriber PCs one port (so its fan-out fills one sendmmsg
 * batch) and its publisher PCs another, instead of a port per PC (BENCHMARKS.md, session 11).
 */
class MediaPlaneLoopPortTest {
    private static final int PORTS = 4;

    @Test
    void aRoomsSubscriberPcsShareOnePortAndItsPublisherPcsAnother() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (MediaLoops loops = new MediaLoops(1);
             UdpMux mux = openRange(lo);
             MediaPlane plane = new MediaPlane(mux, List.of(lo), true)) {
            RoomManager rooms = new RoomManager(loops, new RoomDefaults(true, 300, 20, 0), (r, p) -> null,
                    System::currentTimeMillis);
            try {
                rooms.createRoom("r", RoomOptions.defaults()).get(5, TimeUnit.SECONDS);
                Room room = rooms.room("r");
                int[] ports = room.loop().submit(() -> {
                    List<PeerTransport> ts = List.of(plane.newTransport("s1", room, null, true),
                            plane.newTransport("s2", room, null, true), plane.newTransport("s3", room, null, true),
                            plane.newTransport("p1", room, null, false), plane.newTransport("p2", room, null, false));
                    int[] out = ts.stream().mapToInt(PeerTransport::localPort).toArray();
                    ts.forEach(PeerTransport::close);
                    return out;
                }).get(5, TimeUnit.SECONDS);
                assertEquals(ports[0], ports[1]);
                assertEquals(ports[0], ports[2], "every subscriber PC of the room on one port");
                assertEquals(ports[3], ports[4], "its publisher PCs on one port");
                assertTrue(ports[0] != ports[3], "the two kinds on two ports");
            } finally {
                rooms.close();
            }
        }
    }

    private static UdpMux openRange(InetAddress lo) throws IOException {
        Random r = new Random();
        for (int attempt = 0; attempt < 50; attempt++) {
            int b = 20_000 + r.nextInt(40_000);
            UdpMux m;
            try {
                m = new UdpMux(List.of(lo), b, b + PORTS - 1);
            } catch (IOException e) {
                continue;
            }
            if (m.sockets().size() == PORTS) {
                return m;
            }
            m.close();
        }
        throw new IOException("no free range of " + PORTS + " UDP ports");
    }
}
