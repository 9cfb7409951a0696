package org.jsfu.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import livekit.LivekitRtc;

/** A minimal /rtc client (java.net.http WebSocket) speaking binary SignalRequest/SignalResponse. */
final class WsClient implements AutoCloseable {
    final LinkedBlockingQueue<LivekitRtc.SignalResponse> received;
    final LinkedBlockingQueue<String> texts;
    final CompletableFuture<Integer> closeCode;
    final WebSocket ws;

    private WsClient(WebSocket ws, Listener l) {
        this.ws = ws;
        this.received = l.received;
        this.texts = l.texts;
        this.closeCode = l.closeCode;
    }

    static WsClient connect(String baseWs, String query) throws Exception {
        Listener l = new Listener();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(baseWs + "/rtc?" + query), l).get(5, TimeUnit.SECONDS);
        return new WsClient(ws, l);
    }

    static WsClient join(TestServer s, String token) throws Exception {
        return connect(s.ws(), "access_token=" + token + "&protocol=17&client_protocol=2&sdk=js&version=2.23.0");
    }

    void send(LivekitRtc.SignalRequest req) {
        ws.sendBinary(ByteBuffer.wrap(req.toByteArray()), true).join();
    }

    LivekitRtc.SignalResponse await(Predicate<LivekitRtc.SignalResponse> p, long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            LivekitRtc.SignalResponse r = received.poll(Math.max(left, 0), TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new AssertionError("no matching SignalResponse within " + ms + " ms");
            }
            if (p.test(r)) {
                return r;
            }
        }
    }

    LivekitRtc.SignalResponse await(LivekitRtc.SignalResponse.MessageCase c) throws InterruptedException {
        return await(r -> r.getMessageCase() == c, 5000);
    }

    @Override
    public void close() {
        ws.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        final LinkedBlockingQueue<LivekitRtc.SignalResponse> received = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            buf.write(b, 0, b.length);
            if (last) {
                try {
                    received.add(LivekitRtc.SignalResponse.parseFrom(buf.toByteArray()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                buf.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                texts.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeCode.complete(-1);
        }
    }
}
