package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link LoopInboxTest} with the RTC UDP sockets on Netty's epoll transport ({@code jsfu.rtc.epoll}). */
class EpollLoopInboxTest extends LoopInboxTest {
    @BeforeAll
    static void epollOn() {
        System.setProperty("jsfu.rtc.epoll", "true");
    }

    @AfterAll
    static void epollOff() {
        System.clearProperty("jsfu.rtc.epoll");
    }

    @Test
    void socketsRunOnEpollWhereAvailable() {
        assertEquals(Epoll.isAvailable(), mux.epoll());
    }
}
