package org.jsfu.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.sdp.CodecPolicy;
import org.jsfu.core.sdp.OutgoingMedia;
import org.jsfu.core.sdp.SdpNegotiator;
import org.jsfu.core.transport.PeerTransport;
import org.jsfu.core.transport.UdpMux;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 8445 2.5 / RFC 8839 5.3: a=ice-lite is in our offers and answers only in lite mode. */
class MediaPlaneIceModeTest {
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void iceLiteAttributeFollowsTheMode(boolean lite) throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (UdpMux mux = new UdpMux(List.of(lo), port, port);
             MediaPlane plane = new MediaPlane(mux, List.of(lo), lite)) {
            PeerTransport t = new PeerTransport("t", mux, Runnable::run, Runnable::run, DtlsIdentity.generate(),
                    null);
            try {
                assertEquals(lite, plane.localTransport(t).iceLite());
                String offer = SdpNegotiator.buildSubscriberOffer(plane.localTransport(t), 1,
                        List.of(OutgoingMedia.dataChannels("0"))).sdp();
                assertEquals(lite, offer.contains("a=ice-lite\r\n"), offer);
                String chrome;
                try (InputStream in = getClass().getResourceAsStream("/sdp/chrome-audio-offer.sdp")) {
                    chrome = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                String answer = SdpNegotiator.answerPublisherOffer(chrome, plane.localTransport(t),
                        CodecPolicy.defaults()).sdp();
                assertEquals(lite, answer.contains("a=ice-lite\r\n"));
                assertTrue(answer.contains("a=candidate:"));
                assertEquals(lite, plane.iceLite());
            } finally {
                t.close();
            }
        }
    }
}
