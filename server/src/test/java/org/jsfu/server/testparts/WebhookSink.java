package org.jsfu.server.testparts;

import com.sun.net.httpserver.HttpServer;
import io.livekit.server.WebhookReceiver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import livekit.LivekitWebhook;

/**
 * A webhook receiver on 127.0.0.1 that checks every request with the Kotlin SDK's WebhookReceiver
 * (signature, sha256 of the body) and LiveKit's Content-Type; accepted events and rejections are kept
 * in arrival order. Its URL is {@code http://127.0.0.1:<port()>/hook}.
 */
public final class WebhookSink implements AutoCloseable {
    public final List<LivekitWebhook.WebhookEvent> events = new CopyOnWriteArrayList<>();
    public final List<String> rejected = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    private WebhookSink(HttpServer server) {
        this.server = server;
    }

    public static WebhookSink start(String apiKey, String secret) throws IOException {
        WebhookReceiver receiver = new WebhookReceiver(apiKey, secret);
        WebhookSink sink = new WebhookSink(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        sink.server.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                String type = ex.getRequestHeaders().getFirst("Content-Type");
                if (!"application/webhook+json".equals(type)) {
                    throw new IllegalArgumentException("Content-Type " + type);
                }
                sink.events.add(receiver.receive(body, ex.getRequestHeaders().getFirst("Authorization")));
                ex.sendResponseHeaders(200, -1);
            } catch (Exception e) {
                sink.rejected.add(e.toString());
                ex.sendResponseHeaders(401, -1);
            }
            ex.close();
        });
        sink.server.start();
        return sink;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL to put in webhook.urls. */
    public String url() {
        return "http://127.0.0.1:" + port() + "/hook";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
