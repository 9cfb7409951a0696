package org.jsfu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.jsfu.core.ice.StunMessage;
import org.jsfu.server.testparts.FreePorts;
import org.junit.jupiter.api.Test;

/**
 * rtc.use_external_ip's STUN client ({@link ExternalAddress}): the wire part on bytes, then against
 * {@link StunResponder}s on 127.0.0.1 that report a NAT's address (203.0.113.7), so the answer cannot be
 * mistaken for this machine's own address. A short RTO (100 ms, so 0.7 s per silent server) keeps the silent
 * cases quick and still leaves the answering responders far more time than they need.
 */
class ExternalAddressTest {
    private static final InetSocketAddress NAT = new InetSocketAddress("203.0.113.7", 40123);
    private static final long RTO = 100;

    private static byte[] txId(int seed) {
        byte[] id = new byte[12];
        for (int i = 0; i < id.length; i++) {
            id[i] = (byte) (seed + i);
        }
        return id;
    }

    private static InetAddress parse(StunMessage m, byte[] txId) throws IOException {
        byte[] b = new byte[200];
        int n = m.encode(b, 0, null, true);
        return ExternalAddress.mappedIpv4(b, n, txId);
    }

    @Test
    void onlyASuccessResponseToOurTransactionWithAnIpv4AddressCounts() throws Exception {
        byte[] ours = txId(1);
        assertEquals(NAT.getAddress(), parse(new StunMessage(StunMessage.BINDING_SUCCESS, ours).xorMappedAddress(NAT), ours));
        assertNull(parse(new StunMessage(StunMessage.BINDING_SUCCESS, txId(2)).xorMappedAddress(NAT), ours),
                "another transaction");
        assertNull(parse(new StunMessage(StunMessage.BINDING_REQUEST, ours), ours), "a request");
        assertNull(parse(new StunMessage(StunMessage.BINDING_SUCCESS, ours), ours), "no XOR-MAPPED-ADDRESS");
        assertNull(parse(new StunMessage(StunMessage.BINDING_SUCCESS, ours)
                .xorMappedAddress(new InetSocketAddress("2001:db8::7", 40123)), ours), "an IPv6 address");
        assertNull(ExternalAddress.mappedIpv4(new byte[] {1, 2, 3}, 3, ours), "not STUN");
        IOException e = assertThrows(IOException.class,
                () -> parse(new StunMessage(StunMessage.BINDING_ERROR, ours).error(401, "Unauthorized"), ours));
        assertTrue(e.getMessage().contains("401 Unauthorized"), e.getMessage());
    }

    @Test
    void serverNamesTakeLiveKitsForm() throws Exception {
        assertEquals(new InetSocketAddress("127.0.0.1", 19302), ExternalAddress.address("127.0.0.1:19302"));
        assertEquals(new InetSocketAddress("127.0.0.1", 3478), ExternalAddress.address("127.0.0.1"));
        for (String bad : List.of("127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", ":3478", "stun:")) {
            assertThrows(IOException.class, () -> ExternalAddress.address(bad), bad);
        }
    }

    @Test
    void theAnswersMappedAddressIsTheExternalOne() throws Exception {
        try (StunResponder stun = new StunResponder(NAT, StunResponder.Mode.ANSWER)) {
            assertEquals(NAT.getAddress(), ExternalAddress.resolve(List.of(stun.server()), RTO));
        }
    }

    @Test
    void anAnswerToAnotherTransactionIsIgnored() throws Exception {
        try (StunResponder stun = new StunResponder(NAT, StunResponder.Mode.STRAY_FIRST)) {
            assertEquals(NAT.getAddress(), ExternalAddress.resolve(List.of(stun.server()), RTO));
        }
    }

    @Test
    void serversAreAskedInTurnUntilOneAnswers() throws Exception {
        String closed = "127.0.0.1:" + FreePorts.udp();
        try (StunResponder silent = new StunResponder(NAT, StunResponder.Mode.SILENT);
             StunResponder error = new StunResponder(NAT, StunResponder.Mode.ERROR);
             StunResponder answer = new StunResponder(NAT, StunResponder.Mode.ANSWER)) {
            assertEquals(NAT.getAddress(), ExternalAddress.resolve(
                    List.of(closed, silent.server(), error.server(), answer.server()), RTO));
            assertEquals(ExternalAddress.SENDS, silent.requests(), "a silent server gets every retransmission");
            assertTrue(error.requests() >= 1 && error.requests() < ExternalAddress.SENDS,
                    "an error response ends that server's turn: " + error.requests());
            assertTrue(answer.requests() >= 1);
        }
    }

    @Test
    void whenNoServerAnswersTheErrorNamesEachOneAndWhy() throws Exception {
        String closed = "127.0.0.1:" + FreePorts.udp();
        try (StunResponder silent = new StunResponder(NAT, StunResponder.Mode.SILENT);
             StunResponder error = new StunResponder(NAT, StunResponder.Mode.ERROR)) {
            IOException e = assertThrows(IOException.class, () -> ExternalAddress.resolve(
                    List.of(closed, silent.server(), error.server(), "127.0.0.1:x"), RTO));
            String m = e.getMessage();
            assertTrue(m.startsWith("rtc.use_external_ip: could not resolve the external IP"), m);
            assertTrue(m.contains(closed + ": port unreachable"), m);
            assertTrue(m.contains(silent.server() + ": no answer within " + 7 * RTO + " ms"), m);
            assertTrue(m.contains(error.server() + ": error response 400 Bad Request"), m);
            assertTrue(m.contains("127.0.0.1:x: not a host:port"), m);
        }
        assertThrows(IOException.class, () -> ExternalAddress.resolve(List.of(), RTO));
    }
}
