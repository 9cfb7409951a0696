package org.jsfu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.jsfu.conf.ConfigLoader;
import org.jsfu.conf.ServerConfig;
import org.jsfu.server.testparts.CoturnProcess;
import org.junit.jupiter.api.Test;

/**
 * rtc.use_external_ip against a real STUN server (coturn, STUN only, on 127.0.0.1): its response carries
 * more than ours (MAPPED-ADDRESS, RESPONSE-ORIGIN, SOFTWARE, FINGERPRINT), and it reports the source it saw,
 * which on loopback is 127.0.0.1. With the production retransmission timer.
 */
class ExternalAddressCoturnTest {
    @Test
    void aRealStunServersAnswerGivesTheAddressItSaw() throws Exception {
        try (CoturnProcess coturn = CoturnProcess.startStun()) {
            assertEquals(InetAddress.getLoopbackAddress(),
                    ExternalAddress.resolve(List.of(coturn.server()), ExternalAddress.RTO_MILLIS));
            ServerConfig cfg = ConfigLoader.load(new String[] {"--config-body",
                    "keys:\n  k: secretsecretsecretsecretsecret00\nrtc:\n  use_external_ip: true\n"
                            + "  stun_servers: [\"stun:" + coturn.server() + "\"]\n"}, Map.of());
            assertEquals(List.of(InetAddress.getLoopbackAddress()), RtcSetup.advertisedAddresses(cfg));
        }
    }
}
