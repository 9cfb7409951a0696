package org.jsfu.server.testparts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class RedisProcessTest {
    @Test
    void startsAnswersAndStops() throws Exception {
        RedisProcess redis = RedisProcess.start();
        int port = redis.port();
        try {
            assertEquals("PONG", redis.ping());
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                jedis.set("jsfu:probe", "v1");
                assertEquals("v1", jedis.get("jsfu:probe"));
            }
            assertEquals("127.0.0.1:" + port, redis.address());
        } finally {
            redis.close();
        }
        assertFalse(redis.isAlive());
        assertThrows(IOException.class, redis::ping);
    }

    @Test
    void twoInstancesGetTheirOwnPortsAndData() throws Exception {
        try (RedisProcess a = RedisProcess.start(); RedisProcess b = RedisProcess.start()) {
            assertTrue(a.port() != b.port());
            a.command("SET", "k", "a");
            assertEquals("0", b.command("EXISTS", "k"));
            assertEquals("1", a.command("EXISTS", "k"));
        }
    }
}
