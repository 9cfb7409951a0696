package org.jsfu.bench.client;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import livekit.LivekitRtc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signalling WebSocket of one client (livekit-protocol.md 1.3): binary frames, one
 * {@code SignalRequest} / {@code SignalResponse} protobuf each. Sends are chained so that at most one
 * is outstanding, as {@link WebSocket} requires.
 */
public final class SignalClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SignalClient.class);

    private final WebSocket ws;
    private final CompletableFuture<Integer> closed;
    private CompletableFuture<WebSocket> sendChain;

    private SignalClient(WebSocket ws, CompletableFuture<Integer> closed) {
        this.ws = ws;
        this.closed = closed;
        this.sendChain = CompletableFuture.completedFuture(ws);
    }

    /**
     * Opens {@code <base>/rtc?access_token=..&protocol=17&auto_subscribe=1&sdk=js&version=2.23.0}, the
     * query livekit-client 2.23 sends on its v0 (dual peer connection) path. {@code base} is ws://host:port.
     */
    public static SignalClient open(HttpClient http, String base, String token, boolean autoSubscribe,
                                    Consumer<LivekitRtc.SignalResponse> onMessage, Duration timeout) {
        return open(http, base, token, autoSubscribe, "", onMessage, timeout);
    }

    /**
     * As {@link #open(HttpClient, String, String, boolean, Consumer, Duration)} with {@code extraQuery} appended
     * (a resume's {@code &reconnect=1&sid=PA_..&reconnect_reason=1}, livekit-protocol.md 2.8).
     */
    public static SignalClient open(HttpClient http, String base, String token, boolean autoSubscribe,
                                    String extraQuery, Consumer<LivekitRtc.SignalResponse> onMessage, Duration timeout) {
        String url = base + "/rtc?access_token=" + token + "&protocol=17&auto_subscribe=" + (autoSubscribe ? 1 : 0)
                + "&sdk=js&version=2.23.0&client_protocol=2" + extraQuery;
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(timeout)
                .buildAsync(URI.create(url), new Frames(onMessage, closed))
                .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .join();
        return new SignalClient(ws, closed);
    }

    public synchronized CompletableFuture<WebSocket> send(LivekitRtc.SignalRequest req) {
        byte[] bytes = req.toByteArray();
        sendChain = sendChain.handle((w, e) -> null)
                .thenCompose(x -> ws.sendBinary(ByteBuffer.wrap(bytes), true));
        return sendChain;
    }

    /** Completes with the close status code when the server closes (or -1 on error). */
    public CompletableFuture<Integer> closedFuture() {
        return closed;
    }

    /** Drops the connection without a close handshake, as a lost network does. */
    public void abort() {
        ws.abort();
    }

    @Override
    public synchronized void close() {
        sendChain.handle((w, e) -> null)
                .thenCompose(x -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"))
                .orTimeout(2, java.util.concurrent.TimeUnit.SECONDS)
                .whenComplete((w, e) -> ws.abort());
    }

    private static final class Frames implements WebSocket.Listener {
        private final Consumer<LivekitRtc.SignalResponse> onMessage;
        private final CompletableFuture<Integer> closed;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Frames(Consumer<LivekitRtc.SignalResponse> onMessage, CompletableFuture<Integer> closed) {
            this.onMessage = onMessage;
            this.closed = closed;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (last) {
                byte[] all = partial.toByteArray();
                partial.reset();
                try {
                    onMessage.accept(LivekitRtc.SignalResponse.parseFrom(all));
                } catch (InvalidProtocolBufferException e) {
                    log.warn("sim signal: undecodable frame bytes={}", all.length);
                } catch (RuntimeException e) {
                    log.warn("sim signal: handler failed err={}", e.toString(), e);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            log.warn("sim signal: unexpected text frame");
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }
}
