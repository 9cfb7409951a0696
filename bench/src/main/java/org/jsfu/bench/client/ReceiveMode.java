package org.jsfu.bench.client;

/**
 * How the bench client's UDP receive thread waits for datagrams.
 *
 * <p>On loopback the sending thread delivers each datagram into the receiving socket itself (softirq on
 * the sender's CPU), so whatever the receiver costs at delivery time is charged to the server's send: a
 * receiver blocked in a selector makes every delivery run the epoll callback and wake that thread. On a
 * real network the receiver is another host and the server never pays that. {@link #SPIN} takes the
 * wake-up out of the measurement; it is a change of method, not of the server.
 */
public enum ReceiveMode {
    /** One thread blocks in a {@code Selector} over every channel (the default; what a real client does). */
    BLOCK,
    /**
     * One thread polls every non-blocking channel in turn with no selector and never parks: no socket has
     * a waiter, so a delivery wakes nobody. It keeps one core busy.
     */
    SPIN;

    public static ReceiveMode parse(String s) {
        return switch (s) {
            case "block" -> BLOCK;
            case "spin" -> SPIN;
            default -> throw new IllegalArgumentException("--client-receive must be block or spin: " + s);
        };
    }

    public String flag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
