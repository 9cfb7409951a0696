package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jsfu.core.media.CryptoWarmUpTest.CM_FIRST;
import static org.jsfu.core.media.CryptoWarmUpTest.GCM_FIRST;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jsfu.core.room.MediaLoops;
import org.jsfu.core.room.Room;
import org.jsfu.core.room.RoomDefaults;
import org.jsfu.core.room.RoomManager;
import org.jsfu.core.room.RoomOptions;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.transport.PeerTransport;
import org.jsfu.core.transport.UdpMux;
import org.junit.jupiter.api.Test;

/** The SRTP order the media plane measured at start reaches every transport it creates (RFC 5764 4.1.1). */
class MediaPlaneSrtpPreferenceTest {
    @Test
    void newTransportsGetThePlanesOrder() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (MediaLoops loops = new MediaLoops(1);
             UdpMux mux = new UdpMux(List.of(lo), port, port);
             MediaPlane plane = new MediaPlane(mux, List.of(lo), true)) {
            RoomManager rooms = new RoomManager(loops, new RoomDefaults(true, 300, 20, 0), (r, p) -> null,
                    System::currentTimeMillis);
            try {
                rooms.createRoom("r", RoomOptions.defaults()).get(5, TimeUnit.SECONDS);
                Room room = rooms.room("r");
                assertEquals(GCM_FIRST, profilesOfANewTransport(plane, room), "before any measurement: GCM first");
                plane.srtpPreference(CM_FIRST);
                assertEquals(CM_FIRST, profilesOfANewTransport(plane, room));
                assertTrue(plane.warmUp().get(60, TimeUnit.SECONDS), "warm-up");
                assertEquals(plane.srtpPreference(), profilesOfANewTransport(plane, room), "the measured order");
            } finally {
                rooms.close();
            }
        }
    }

    private static List<SrtpProfile> profilesOfANewTransport(MediaPlane plane, Room room) throws Exception {
        return room.loop().submit(() -> {
            PeerTransport t = plane.newTransport("pc", room, null, false);
            try {
                return t.srtpProfiles();
            } finally {
                t.close();
            }
        }).get(5, TimeUnit.SECONDS);
    }
}
