package org.jsfu.signaling.webhook;

import com.sun.net.httpserver.HttpServer;
import io.livekit.server.WebhookReceiver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import livekit.LivekitWebhook.WebhookEvent;

/** A loopback HTTP receiver that checks each request with the Kotlin SDK's WebhookReceiver. */
final class WebhookReceiverStub implements AutoCloseable {
    record Received(WebhookEvent event, String body, String contentType, String userAgent, String authorization) {}

    final List<Received> accepted = new CopyOnWriteArrayList<>();
    final List<String> rejected = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    /** request number (0-based) -> HTTP status to answer; 200 means verify and record. */
    volatile IntUnaryOperator statusFor = n -> 200;
    volatile long delayMs;

    WebhookReceiverStub(int port, String apiKey, String secret) throws IOException {
        WebhookReceiver sdk = new WebhookReceiver(apiKey, secret);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(pool);
        server.createContext("/hook", ex -> {
            int n = requests.getAndIncrement();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (delayMs > 0) Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status = statusFor.applyAsInt(n);
            if (status == 200) {
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                try {
                    WebhookEvent ev = sdk.receive(body, auth);
                    accepted.add(new Received(ev, body, ex.getRequestHeaders().getFirst("Content-Type"),
                            ex.getRequestHeaders().getFirst("User-Agent"), auth));
                } catch (Exception e) {
                    rejected.add(e.toString());
                    status = 401;
                }
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<String> ids() {
        return accepted.stream().map(r -> r.event().getId()).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
