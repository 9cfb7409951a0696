package org.jsfu.server;

import static livekit.LivekitRtc.SignalResponse.MessageCase.OFFER;
import static livekit.LivekitRtc.SignalResponse.MessageCase.RECONNECT;
import static org.junit.jupiter.api.Assertions.*;

import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import livekit.LivekitRtc;
import org.jsfu.core.dtls.DtlsIdentity;
import org.jsfu.core.dtls.DtlsSession;
import org.jsfu.core.ice.StunMessage;
import org.jsfu.core.srtp.SrtpProfile;
import org.junit.jupiter.api.Test;

/**
 * On every resume the server ICE-restarts the subscriber PC, as LiveKit's Go server does (Room.ResumeParticipant
 * calls ParticipantImpl.ICERestart whatever the reconnect reason): an offer with a new id and new
 * ice-ufrag/ice-pwd (RFC 8839 4.4), which supersedes an offer still awaiting its answer, and after whose
 * answer the subscriber PC answers connectivity checks (RFC 8445 7.3) with the new credentials only. The second
 * resume comes after a plain signal loss with the subscriber PC connected (ICE and DTLS): before this change
 * the server restarted only after RR_SUBSCRIBER_FAILED or with that PC not connected, and sent no offer here.
 * Real media plane (ICE-lite); a raw WebSocket, a UDP socket and a DTLS client session play the client.
 */
class SubscriberIceRestartOnResumeTest {
    private static final int RR_SIGNAL_DISCONNECTED = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Ice(int id, String ufrag, String pwd, InetSocketAddress candidate, String sdp) {
        static Ice of(LivekitRtc.SessionDescription offer) {
            String sdp = offer.getSdp();
            InetSocketAddress udp = null;
            for (String line : sdp.split("\r\n")) {
                String[] f = line.split(" ");
                if (udp == null && line.startsWith("a=candidate:") && f[2].equalsIgnoreCase("udp")) {
                    udp = new InetSocketAddress(f[4], Integer.parseInt(f[5]));
                }
            }
            assertNotNull(udp, "a UDP candidate in " + sdp);
            return new Ice(offer.getId(), attr(sdp, "a=ice-ufrag:"), attr(sdp, "a=ice-pwd:"), udp, sdp);
        }
    }

    private static String attr(String sdp, String prefix) {
        for (String line : sdp.split("\r\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
        throw new AssertionError("no " + prefix + " in " + sdp);
    }

    /** The client's answer to {@code offer} with its own ICE credentials (RFC 3264 6: same m-lines). */
    private LivekitRtc.SignalRequest answer(Ice offer, String ufrag, String pwd) {
        StringBuilder b = new StringBuilder();
        for (String line : offer.sdp().split("\r\n")) {
            if (line.startsWith("a=candidate:") || line.equals("a=ice-lite") || line.equals("a=end-of-candidates")) {
                continue;
            }
            b.append(line.startsWith("a=ice-ufrag:") ? "a=ice-ufrag:" + ufrag
                    : line.startsWith("a=ice-pwd:") ? "a=ice-pwd:" + pwd
                    : line.startsWith("a=setup:") ? "a=setup:active"
                    : line.startsWith("a=fingerprint:") ? "a=fingerprint:sha-256 " + identity.fingerprintSha256()
                    : line.equals("a=sendonly") ? "a=recvonly" : line).append("\r\n");
        }
        return LivekitRtc.SignalRequest.newBuilder().setAnswer(LivekitRtc.SessionDescription.newBuilder()
                .setType("answer").setSdp(b.toString()).setId(offer.id())).build();
    }

    /**
     * Whether Binding requests to {@code offer}'s candidate, signed with its password, get a success within about
     * 3 s (a check may reach the server before the answer naming {@code clientUfrag} was applied: it is resent).
     */
    private boolean checkAnswered(Ice offer, String clientUfrag) throws Exception {
        for (int i = 0; i < 6; i++) {
            if (checkOnce(offer, clientUfrag)) {
                return true;
            }
        }
        return false;
    }

    private boolean checkOnce(Ice offer, String clientUfrag) throws Exception {
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        StunMessage m = new StunMessage(StunMessage.BINDING_REQUEST, tid).username(offer.ufrag() + ":" + clientUfrag)
                .priority(2130706431L).iceControlling(RANDOM.nextLong()).useCandidate(true);
        byte[] out = new byte[300];
        int n = m.encode(out, 0, StunMessage.hmacSha1(StunMessage.shortTermKey(offer.pwd())), true);
        udp.send(new DatagramPacket(out, n, offer.candidate()));
        long end = System.currentTimeMillis() + 500;
        for (long left; (left = end - System.currentTimeMillis()) > 0; ) {
            StunMessage r = stun.poll(left, TimeUnit.MILLISECONDS);
            if (r != null && r.type() == StunMessage.BINDING_SUCCESS && Arrays.equals(r.transactionId(), tid)) {
                return true;
            }
        }
        return false;
    }

    /** Reads the client socket: STUN to {@link #stun}, DTLS to the client's DTLS session once it exists. */
    private void read() {
        byte[] buf = new byte[1500];
        while (!udp.isClosed()) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(in);
            } catch (java.io.IOException e) {
                continue; // timeout, or closed
            }
            DtlsSession d = dtls;
            if (DtlsSession.isDtls(buf, 0, in.getLength())) {
                if (d != null) {
                    d.receive(buf, 0, in.getLength());
                }
            } else {
                StunMessage m = StunMessage.parse(Arrays.copyOf(buf, in.getLength()), 0, in.getLength());
                if (m != null) {
                    stun.add(m);
                }
            }
        }
    }

    /** The client's DTLS handshake (a=setup:active: it is the DTLS client, RFC 5763 5) with {@code offer}'s candidate. */
    private void connectDtls(Ice offer) throws Exception {
        String fp = attr(offer.sdp(), "a=fingerprint:sha-256 ");
        CompletableFuture<Void> done = new CompletableFuture<>();
        dtls = new DtlsSession(identity, true, fp, new DtlsSession.Listener() {
            @Override
            public void sendDatagram(byte[] b, int off, int len) {
                try {
                    udp.send(new DatagramPacket(b, off, len, offer.candidate()));
                } catch (java.io.IOException e) {
                    done.completeExceptionally(e);
                }
            }

            @Override
            public void onConnected(SrtpProfile profile, byte[] keyingMaterial) {
                done.complete(null);
            }

            @Override
            public void onApplicationData(byte[] b, int off, int len) {
            }

            @Override
            public void onFailed(String reason, Throwable cause) {
                done.completeExceptionally(new AssertionError("dtls failed: " + reason, cause));
            }
        }, handshakes);
        dtls.start();
        done.get(10, TimeUnit.SECONDS);
    }

    private static WsClient resume(TestServer s, String token, String sid) throws Exception {
        return WsClient.connect(s.ws(), "access_token=" + token + "&protocol=17&client_protocol=2&sdk=js"
                + "&version=2.23.0&reconnect=1&sid=" + sid + "&reconnect_reason=" + RR_SIGNAL_DISCONNECTED);
    }

    /** The resumed socket's reconnect, then its restart offer: a new id and new ICE credentials. */
    private static Ice restartOffer(WsClient c, Ice previous) throws Exception {
        assertEquals(RECONNECT, c.received.poll(5, TimeUnit.SECONDS).getMessageCase());
        Ice next = Ice.of(c.await(OFFER).getOffer());
        assertTrue(next.id() > previous.id(), "a new offer id");
        assertNotEquals(previous.ufrag(), next.ufrag(), "new ice-ufrag");
        assertNotEquals(previous.pwd(), next.pwd(), "new ice-pwd");
        return next;
    }

    /** One restart offer per resume: no second offer races it (the debounce is 150 ms). */
    private static void assertNoFurtherOffer(WsClient c) {
        assertThrows(AssertionError.class, () -> c.await(LivekitRtc.SignalResponse::hasOffer, 700),
                "no second offer racing the restart");
    }

    private final DtlsIdentity identity = DtlsIdentity.generate();
    private final LinkedBlockingQueue<StunMessage> stun = new LinkedBlockingQueue<>();
    private final ExecutorService handshakes = Executors.newCachedThreadPool();
    private DatagramSocket udp;
    private volatile DtlsSession dtls;

    @Test
    void everyResumeRestartsTheSubscriberIceWithOneOffer() throws Exception {
        String token = Tokens.token("a", new RoomJoin(true), new RoomName("restart"));
        udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        udp.setSoTimeout(200);
        Thread reader = new Thread(this::read, "test-client-udp");
        reader.start();
        try (TestServer s = TestServer.startWithMediaPlane("");
             WsClient a = WsClient.join(s, token)) {
            String sid = a.await(LivekitRtc.SignalResponse.MessageCase.JOIN).getJoin().getParticipant().getSid();
            Ice first = Ice.of(a.await(OFFER).getOffer());

            // 1: a resume while the first offer is unanswered (lost in the dead socket): one fresh offer, with a
            // new id and new credentials, replaces it
            WsClient a2 = resume(s, token, sid);
            Ice second = restartOffer(a2, first);
            a2.send(answer(second, "cli2", "client-password-0000002"));
            assertTrue(checkAnswered(second, "cli2"), "checks with the restarted credentials are answered");
            assertFalse(checkOnce(first, "cli2"), "the first credentials no longer authenticate");
            assertNoFurtherOffer(a2);
            // the subscriber PC connects (DTLS on the nominated pair): from now on our side of it is connected
            connectDtls(second);
            long until = System.currentTimeMillis() + 5000;
            while (!s.server.rooms().withRoom("restart", r -> r.participant("a").media().mediaConnected())
                    .get(5, TimeUnit.SECONDS)) {
                assertTrue(System.currentTimeMillis() < until, "the server never saw the subscriber PC connect");
                Thread.sleep(20);
            }

            // 2: a plain signal loss with nothing unanswered (the media path may have changed): restarted again
            try (WsClient a3 = resume(s, token, sid)) {
                Ice third = restartOffer(a3, second);
                a3.send(answer(third, "cli3", "client-password-0000003"));
                assertTrue(checkAnswered(third, "cli3"), "the subscriber PC re-checks on the new generation");
                assertFalse(checkOnce(second, "cli3"), "the previous credentials no longer authenticate");
                assertTrue(dtls.isConnected(), "DTLS (and SRTP keys) carry over the restart");
                assertNoFurtherOffer(a3);
            }
            a2.close();
        } finally {
            if (dtls != null) {
                dtls.close();
            }
            udp.close();
            reader.join(2000);
            handshakes.shutdownNow();
        }
    }
}
