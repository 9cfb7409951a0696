package org.jsfu.core.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StunTransactionRoutesTest {
    static byte[] id(int seed) {
        byte[] id = new byte[12];
        Arrays.fill(id, (byte) seed);
        id[11] = (byte) (seed >> 8);
        return id;
    }

    static byte[] message(int type, byte[] id) {
        byte[] b = new byte[100];
        int n = new StunMessage(type, id).encode(b, 0, null, true);
        return Arrays.copyOf(b, n);
    }

    @Test
    void aResponseTakesItsRouteOnce() {
        StunTransactionRoutes<String> r = new StunTransactionRoutes<>(8, 1000);
        r.put(id(1), "pc1", 0);
        r.put(id(2), "pc2", 0);
        byte[] resp = message(StunMessage.BINDING_SUCCESS, id(2));
        assertEquals("pc2", r.take(resp, 0, resp.length, 10));
        assertNull(r.take(resp, 0, resp.length, 10), "a route is used once");
        byte[] err = message(StunMessage.BINDING_ERROR, id(1));
        assertEquals("pc1", r.take(err, 0, err.length, 10));
        assertEquals(0, r.size());
    }

    @Test
    void requestsUnknownIdsAndGarbageFindNothing() {
        StunTransactionRoutes<String> r = new StunTransactionRoutes<>(8, 1000);
        r.put(id(1), "pc1", 0);
        byte[] req = message(StunMessage.BINDING_REQUEST, id(1));
        assertNull(r.take(req, 0, req.length, 1), "only responses route by id");
        byte[] other = message(StunMessage.BINDING_SUCCESS, id(3));
        assertNull(r.take(other, 0, other.length, 1));
        assertNull(r.take(new byte[] {1, 2, 3}, 0, 3, 1));
        assertEquals(1, r.size());
    }

    @Test
    void routesExpireAndAreBounded() {
        StunTransactionRoutes<String> r = new StunTransactionRoutes<>(4, 1000);
        r.put(id(1), "old", 0);
        byte[] resp = message(StunMessage.BINDING_SUCCESS, id(1));
        assertNull(r.take(resp, 0, resp.length, 1001), "expired");
        for (int i = 0; i < 10; i++) {
            r.put(id(10 + i), "pc", 2000);
        }
        assertEquals(4, r.size());
        byte[] oldest = message(StunMessage.BINDING_SUCCESS, id(10));
        assertNull(r.take(oldest, 0, oldest.length, 2000), "the oldest route was dropped");
        byte[] newest = message(StunMessage.BINDING_SUCCESS, id(19));
        assertEquals("pc", r.take(newest, 0, newest.length, 2000));
        r.removeTarget("pc");
        assertEquals(0, r.size());
    }

    @Test
    void oneTargetCannotEvictAnothersRoutes() {
        StunTransactionRoutes<String> r = new StunTransactionRoutes<>(16, 1000, 4);
        r.put(id(1), "quiet", 0);
        for (int i = 0; i < 100; i++) {
            r.put(id(100 + i), "chatty", 1); // a PC trickling endless candidates
        }
        assertEquals(4, r.size("chatty"), "capped per target");
        assertEquals(1, r.size("quiet"));
        byte[] quiet = message(StunMessage.BINDING_SUCCESS, id(1));
        assertEquals("quiet", r.take(quiet, 0, quiet.length, 2), "the other target's route survived");
        byte[] newest = message(StunMessage.BINDING_SUCCESS, id(199));
        assertEquals("chatty", r.take(newest, 0, newest.length, 2), "the chatty target keeps its newest");
        byte[] oldest = message(StunMessage.BINDING_SUCCESS, id(100));
        assertNull(r.take(oldest, 0, oldest.length, 2), "its own oldest went first");
        assertEquals(3, r.size("chatty"));
        r.removeTarget("chatty");
        assertEquals(0, r.size("chatty"));
        assertEquals(0, r.size());
    }

    @Test
    void aRetransmissionKeepsExpiryOrder() {
        StunTransactionRoutes<String> r = new StunTransactionRoutes<>(8, 1000);
        r.put(id(1), "pc", 0);
        r.put(id(2), "pc", 500);
        r.put(id(1), "pc", 900); // RFC 5389 7.2.1: the retransmission reuses the id; expires at 1900
        // at 1600 id(2) has expired; id(1), re-put later, has not: expiry must not stop at it
        byte[] second = message(StunMessage.BINDING_SUCCESS, id(2));
        assertNull(r.take(second, 0, second.length, 1600), "expired");
        assertEquals(1, r.size(), "the expired route is gone, not stuck behind the re-put one");
        byte[] first = message(StunMessage.BINDING_SUCCESS, id(1));
        assertEquals("pc", r.take(first, 0, first.length, 1600), "the retransmitted route is live");
        assertEquals(0, r.size("pc"));
    }
}
