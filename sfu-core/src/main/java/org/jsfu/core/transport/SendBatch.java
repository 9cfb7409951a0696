package org.jsfu.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The datagrams one loop produces while it drains its inbox, per epoll socket, handed to the
 * socket's I/O thread as one task per flush: written there and flushed once, so Netty sends them
 * with one {@code sendmmsg}. Loop thread only. Each queued datagram costs a pooled direct buffer and
 * one {@link DatagramPacket}, Netty's message type for an addressed datagram.
 */
final class SendBatch {
    /** Datagrams per socket before a flush is forced mid-drain. */
    static final int MAX = 64;

    private Channel[] channels = new Channel[2];
    @SuppressWarnings("unchecked")
    private List<DatagramPacket>[] pending = new List[2];
    private int used;
    private long datagrams;
    private long flushes;

    void add(Channel ch, byte[] b, int off, int len, InetSocketAddress to) {
        int i = indexOf(ch);
        ByteBuf buf = ch.alloc().directBuffer(len).writeBytes(b, off, len);
        List<DatagramPacket> l = pending[i];
        l.add(new DatagramPacket(buf, to));
        if (l.size() >= MAX) {
            flush(i);
        }
    }

    /** Hands every socket's pending datagrams to its I/O thread. */
    void flush() {
        for (int i = 0; i < used; i++) {
            if (!pending[i].isEmpty()) {
                flush(i);
            }
        }
    }

    /** Datagrams sent through batches and the flushes that carried them (loop thread; for metrics). */
    long datagrams() {
        return datagrams;
    }

    long flushes() {
        return flushes;
    }

    private void flush(int i) {
        Channel ch = channels[i];
        List<DatagramPacket> out = pending[i];
        pending[i] = new ArrayList<>(Math.max(8, out.size()));
        datagrams += out.size();
        flushes++;
        try {
            ch.eventLoop().execute(() -> write(ch, out));
        } catch (RuntimeException rejected) {
            out.forEach(DatagramPacket::release); // the socket is closing
        }
    }

    /** On the I/O thread. */
    private static void write(Channel ch, List<DatagramPacket> out) {
        for (int j = 0; j < out.size(); j++) {
            DatagramPacket p = out.get(j);
            if (ch.isActive() && ch.isWritable()) {
                ch.write(p, ch.voidPromise());
            } else {
                p.release(); // the kernel buffer has been full for HIGH_WATER bytes: drop, as a full socket would
            }
        }
        ch.flush();
    }

    private int indexOf(Channel ch) {
        for (int i = 0; i < used; i++) {
            if (channels[i] == ch) {
                return i;
            }
        }
        if (used == channels.length) {
            channels = java.util.Arrays.copyOf(channels, used * 2);
            pending = java.util.Arrays.copyOf(pending, used * 2);
        }
        channels[used] = ch;
        pending[used] = new ArrayList<>(MAX);
        return used++;
    }
}
