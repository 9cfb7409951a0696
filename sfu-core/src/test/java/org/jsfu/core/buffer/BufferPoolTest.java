package org.jsfu.core.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

    /** A handler with several exits, like a media loop's receive path; it must release on each. */
    private static int handle(BytePool pool, int kind) {
        byte[] b = pool.take();
        try {
            switch (kind) {
                case 0:
                    return -1; // dropped early (e.g. not RTP)
                case 1:
                    throw new IllegalStateException("decrypt failed");
                case 2:
                    b[0] = 1;
                    return 1; // forwarded
                default:
                    return 0;
            }
        } finally {
            pool.give(b);
        }
    }

    @Test
    void releaseOnEveryPathKeepsCountsBalanced() {
        BufferPool pool = new BufferPool(8);
        Random r = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            try {
                handle(pool, r.nextInt(4));
            } catch (IllegalStateException expected) {
                // the failing path still gave the buffer back
            }
            assertEquals(0, pool.outstanding());
        }
        // one buffer circulated: only one was ever allocated
        assertEquals(1, pool.allocated());
        assertEquals(1, pool.idle());
    }

    @Test
    void reusesAndStaysBounded() {
        BufferPool pool = new BufferPool(2);
        byte[] a = pool.take();
        byte[] b = pool.take();
        byte[] c = pool.take();
        assertEquals(BufferPool.MTU, a.length);
        assertEquals(3, pool.outstanding());
        pool.give(a);
        pool.give(b);
        pool.give(c);
        assertEquals(2, pool.idle());
        assertEquals(1, pool.discarded());
        assertSame(b, pool.take());
        assertEquals(1, pool.outstanding());
        assertThrows(IllegalArgumentException.class, () -> pool.give(new byte[10]));
    }

    @Test
    void sharedPoolBalancesAcrossThreads() throws Exception {
        SharedBufferPool pool = new SharedBufferPool(64);
        int perThread = 50_000;
        CountDownLatch done = new CountDownLatch(2);
        Runnable work = () -> {
            for (int i = 0; i < perThread; i++) {
                byte[] b = pool.take();
                b[0] = (byte) i;
                pool.give(b);
            }
            done.countDown();
        };
        new Thread(work).start();
        new Thread(work).start();
        assertTrue(done.await(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, pool.outstanding());
        assertTrue(pool.idle() <= 64 && pool.idle() >= 1);
    }
}
