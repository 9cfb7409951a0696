package org.jsfu.core.dtls;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jsfu.core.dtls.ScriptedLink.LossRule;
import org.jsfu.core.srtp.SrtpProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Handshakes over scripted loss: every single lost client datagram, every single lost server
 * datagram and seeded random loss with reordering, for both SRTP profiles. BouncyCastle reads the
 * wall clock, so time is scaled instead of faked (bctls 1.81: {@code Timeout}, {@code DTLSReliableHandshake}
 * and {@code DTLSRecordLayer} call {@code System.currentTimeMillis()} directly and take no clock, and
 * {@code DatagramTransport.receive} blocks for real milliseconds): the retransmission timer starts at
 * {@link #RESEND_MS} instead of 1 s, and a handshake must finish within {@link #BOUND_RESENDS}
 * initial resend intervals (10 s at the real 1 s timer). Single losses are chosen by kind (the first
 * transmission of the n-th datagram of a loss-free handshake), so a slow machine that resends
 * early does not shift the pattern.
 */
class DtlsLossPatternTest {
    static final DtlsIdentity SERVER_ID = DtlsSessionTest.SERVER_ID;
    static final DtlsIdentity CLIENT_ID = DtlsSessionTest.CLIENT_ID;
    static final int RESEND_MS = 200;
    static final int BOUND_RESENDS = 10;
    static final List<SrtpProfile> PROFILES = List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    /** A datagram holding only an epoch-0 CertificateVerify (handshake type 15, RFC 5246 7.4.8). */
    static final String CERTIFICATE_VERIFY = "hs0:15";
    static final LossRule NO_LOSS = ScriptedLink.NO_LOSS;
    static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dtls-handshake-test");
        t.setDaemon(true);
        return t;
    });

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    static DtlsSession.Options options(SrtpProfile profile) {
        return DtlsSession.Options.defaults().withSrtpProfiles(List.of(profile))
                .withHandshakeTimeoutMs(RESEND_MS * 60).withHandshakeResendMs(RESEND_MS);
    }

    /** One handshake's outcome: the kinds of datagram each side sent, first transmissions in order. */
    record Run(List<String> clientKinds, List<String> serverKinds, int clientSent) {
    }

    /** Runs on the connected, calmed link before it is shut down. */
    interface AfterHandshake {
        void run(ScriptedLink l) throws Exception;
    }

    static Run handshake(String what, LossRule lostToServer, LossRule lostToClient, double reorder, long seed,
                         SrtpProfile profile, int boundResends) throws Exception {
        return handshake(what, lostToServer, lostToClient, reorder, seed, profile, boundResends, l -> { });
    }

    static Run handshake(String what, LossRule lostToServer, LossRule lostToClient, double reorder, long seed,
                         SrtpProfile profile, int boundResends, AfterHandshake after) throws Exception {
        ScriptedLink l = new ScriptedLink(lostToServer, lostToClient, reorder, seed);
        try {
            long t0 = System.nanoTime();
            l.start(CLIENT_ID, SERVER_ID, POOL, options(profile), options(profile));
            long boundMs = (long) RESEND_MS * boundResends;
            SrtpProfile c = null;
            SrtpProfile s = null;
            try {
                c = l.clientRec.profile.get(boundMs * 3, TimeUnit.MILLISECONDS);
                s = l.serverRec.profile.get(boundMs * 3, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                fail(what + ": no handshake; client failed=" + l.clientRec.failed.getNow(null) + " server failed="
                        + l.serverRec.failed.getNow(null) + "\n" + l.trace());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(profile, c, what);
            assertEquals(profile, s, what);
            assertArrayEquals(l.clientRec.keyingMaterial, l.serverRec.keyingMaterial, what);
            assertTrue(ms < boundMs, what + ": took " + ms + " ms, bound " + boundMs + "\n" + l.trace());
            // Data flows both ways afterwards (both record layers are in the new epoch).
            l.calm();
            assertTrue(l.client.sendApplicationData(new byte[] {1, 2, 3}, 0, 3), what);
            assertNotNull(l.serverRec.appData.poll(boundMs, TimeUnit.MILLISECONDS), what + "\n" + l.trace());
            assertTrue(l.server.sendApplicationData(new byte[] {4, 5}, 0, 2), what);
            assertNotNull(l.clientRec.appData.poll(boundMs, TimeUnit.MILLISECONDS), what + "\n" + l.trace());
            assertFalse(l.clientRec.failed.isDone() || l.serverRec.failed.isDone(), what);
            after.run(l);
            System.out.println(what + ": " + ms + " ms, datagrams c->s " + l.toServer.sent() + " s->c "
                    + l.toClient.sent());
            return new Run(handshakeKinds(l.toServer.firstKinds()), handshakeKinds(l.toClient.firstKinds()),
                    l.toServer.sent());
        } finally {
            l.shutdown();
        }
    }

    private static List<String> handshakeKinds(List<String> kinds) {
        return kinds.stream().filter(k -> !k.startsWith("app") && !k.startsWith("alert")).toList();
    }

    /** Loses only the first transmission of one kind of datagram. */
    static LossRule firstOf(String kind) {
        return (i, k, before) -> k.equals(kind) && before == 0;
    }

    /** Seeded independent loss by datagram index. */
    static LossRule random(long seed, double p) {
        return (i, k, before) -> new SplittableRandom(seed * 7919 + i).nextDouble() < p;
    }

    /** The kinds of datagram of a loss-free handshake, in order (also warms the JIT up). */
    static Run lossFree(SrtpProfile profile) throws Exception {
        return handshake("no loss " + profile, NO_LOSS, NO_LOSS, 0, 0, profile, BOUND_RESENDS);
    }

    /**
     * Issue 3: the client's CertificateVerify (its own datagram with BouncyCastle's client) lost,
     * its ChangeCipherSpec and Finished delivered. Before the fix the server switched its read epoch
     * on that early ChangeCipherSpec and then dropped the retransmitted epoch-0 CertificateVerify
     * forever: the handshake hung until its timeout.
     */
    @Test
    void lostCertificateVerifyIsRecoveredByTheRetransmittedFlight() throws Exception {
        for (SrtpProfile p : PROFILES) {
            handshake("CertificateVerify lost " + p, firstOf(CERTIFICATE_VERIFY), NO_LOSS, 0, 1, p, BOUND_RESENDS);
        }
    }

    @Test
    void everySingleLostClientDatagram() throws Exception {
        for (SrtpProfile p : PROFILES) {
            List<String> kinds = lossFree(p).clientKinds();
            assertTrue(kinds.contains(CERTIFICATE_VERIFY) && kinds.size() >= 6, kinds.toString());
            for (String kind : kinds) {
                handshake("client " + kind + " lost " + p, firstOf(kind), NO_LOSS, 0, 2, p, BOUND_RESENDS);
            }
        }
    }

    @Test
    void everySingleLostServerDatagram() throws Exception {
        for (SrtpProfile p : PROFILES) {
            List<String> kinds = lossFree(p).serverKinds();
            assertTrue(kinds.contains("ccs0") && kinds.size() >= 7, kinds.toString());
            for (String kind : kinds) {
                handshake("server " + kind + " lost " + p, NO_LOSS, firstOf(kind), 0, 3, p, BOUND_RESENDS);
            }
        }
    }

    /**
     * The server's Finished is lost and so is the client's Finished in its retransmitted flight 5:
     * BouncyCastle resends flight 6 only on a complete flight 5, so the server's replay of its
     * flight 6 datagrams (QueueDatagramTransport) must answer the client's retransmission.
     */
    @Test
    void serverFinishedLostAndClientResendIncomplete() throws Exception {
        for (SrtpProfile p : PROFILES) {
            Run r = handshake("server hs1 and second client hs1 lost " + p,
                    (i, k, before) -> k.equals("hs1") && before == 1, firstOf("hs1"), 0, 4, p, BOUND_RESENDS);
            // Flight 1, flight 5 twice, one application record: the first resend was answered
            // (a third flight 5 would make it 17). One spurious early resend is tolerated.
            assertTrue(r.clientSent() <= 13, "client datagrams " + r.clientSent());
        }
    }

    /**
     * The keys a lossy, reordering handshake exports carry SRTP and SRTCP both ways, for both profiles
     * (see {@link SrtpOverLinkCheck}: a lost and a reordered packet, a ROC wrap, replays; mismatching
     * keys or a client/server mix-up fail). Each profile is the only one offered by both sides.
     */
    @Test
    void srtpAndSrtcpFlowOverTheLossyLinkAfterTheHandshake() throws Exception {
        for (SrtpProfile p : PROFILES) {
            for (long seed : new long[] {11, 12}) {
                handshake("srtp after random loss seed " + seed + " " + p, random(seed, 0.25), random(-seed, 0.25),
                        0.2, seed, p, 4 * BOUND_RESENDS, l -> SrtpOverLinkCheck.run(l, p));
            }
        }
    }

    /**
     * Seeded random loss of 20-30% in each direction with 20% reordering, then SRTP/SRTCP with the
     * exported keys. Several losses can hit the
     * same message in a row and each resend doubles the timer (1, 2, 4, 8 units), hence the larger
     * bound.
     */
    @Test
    void seededRandomLossAndReordering() throws Exception {
        for (long seed = 1; seed <= 6; seed++) {
            SrtpProfile p = PROFILES.get((int) (seed % 2));
            double loss = 0.2 + 0.02 * seed;
            handshake("random seed " + seed + " loss " + loss + " " + p, random(seed, loss), random(-seed, loss),
                    0.2, seed, p, 4 * BOUND_RESENDS, l -> SrtpOverLinkCheck.run(l, p));
        }
    }
}
