package org.jsfu.core.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.jsfu.core.dtls.DtlsSession;
import org.jsfu.core.srtp.SrtpProfile;

/**
 * The listener of a test's DTLS client: sends its records through {@link Out} and keeps what the
 * handshake gives, the negotiated SRTP profile and the keying material (both fail on a failed handshake).
 */
final class KeyingListener implements DtlsSession.Listener {
    /** Where the client's DTLS records go. */
    interface Out {
        void send(byte[] b, int off, int len) throws IOException;
    }

    final CompletableFuture<SrtpProfile> profile = new CompletableFuture<>();
    final CompletableFuture<byte[]> keyingMaterial = new CompletableFuture<>();
    private final Out out;

    KeyingListener(Out out) {
        this.out = out;
    }

    /** Records go as datagrams from {@code socket} to {@code to}. */
    static KeyingListener udp(DatagramSocket socket, InetSocketAddress to) {
        return new KeyingListener((b, off, len) -> socket.send(new DatagramPacket(b, off, len, to)));
    }

    @Override
    public void sendDatagram(byte[] b, int off, int len) {
        try {
            out.send(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onConnected(SrtpProfile p, byte[] km) {
        profile.complete(p);
        keyingMaterial.complete(km);
    }

    @Override
    public void onApplicationData(byte[] b, int off, int len) {
    }

    @Override
    public void onFailed(String reason, Throwable cause) {
        AssertionError e = new AssertionError(reason, cause);
        profile.completeExceptionally(e);
        keyingMaterial.completeExceptionally(e);
    }
}
