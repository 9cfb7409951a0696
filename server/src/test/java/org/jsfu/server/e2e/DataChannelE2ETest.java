package org.jsfu.server.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.livekit.server.RoomServiceClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitModels;
import org.jsfu.server.JsfuServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Data channels end to end: jsfu in-process with its real media plane, three livekit-client pages in
 * Chromium (e2e/tests/data.test.mjs: chat, lossy, destination identities), and RoomService.SendData
 * from the Kotlin server SDK reaching the browsers over the server-created subscriber channels.
 */
class DataChannelE2ETest {
    private static JsfuServer server;

    @BeforeAll
    static void startServer() throws Exception {
        E2eServer e2e = E2eServer.start("", 0, null);
        server = e2e.server;
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void chatLossyDirectedAndServerSendData() throws Exception {
        String room = "data-junit-" + Long.toString(System.nanoTime(), 36);
        String text = "from the kotlin server sdk";
        RoomServiceClient rooms = RoomServiceClient.createClient("http://127.0.0.1:" + server.port(), "devkey", "secret");
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        // Once A, B and C are in the room, send every second until the node scenario ends (the
        // browser may still be bringing its subscriber data channel up; packets queue until then).
        Thread sender = new Thread(() -> {
            while (!done.get()) {
                try {
                    List<LivekitModels.ParticipantInfo> ps = rooms.listParticipants(room).execute().body();
                    if (ps != null && ps.size() == 3) {
                        var r = rooms.sendData(room, text.getBytes(StandardCharsets.UTF_8),
                                LivekitModels.DataPacket.Kind.RELIABLE, List.of(), List.of(), "server").execute();
                        if (r.isSuccessful()) {
                            sent.incrementAndGet();
                        }
                    }
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the room does not exist yet
                }
            }
        }, "send-data");
        sender.setDaemon(true);
        sender.start();
        try {
            NodeTestRunner.forE2e()
                    .env("LK_URL", "ws://127.0.0.1:" + server.port())
                    .env("LK_API_KEY", "devkey")
                    .env("LK_API_SECRET", "secret")
                    .env("E2E_ROOM", room)
                    .env("E2E_SERVER_DATA_TEXT", text)
                    .timeout(Duration.ofMinutes(3))
                    .runAndAssertPass("tests/data.test.mjs");
        } finally {
            done.set(true);
            sender.interrupt();
            sender.join(5000);
        }
        assertTrue(sent.get() > 0, "SendData was called through the Kotlin SDK");
    }
}
