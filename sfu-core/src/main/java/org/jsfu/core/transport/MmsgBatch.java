package org.jsfu.core.transport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The datagrams one loop sends while it drains its inbox, kept in native memory as the argument of one
 * Linux {@code sendmmsg(2)} call: {@code SLOTS} {@code struct mmsghdr}, each pointing at its own
 * {@code struct iovec}, {@code struct sockaddr_in} and payload slot. Everything but a datagram's
 * length, destination and bytes is written once, when the batch is made; {@link #add} copies the
 * bytes and fills those three fields (no allocation), {@link #flush} makes the call. One socket per
 * batch: a datagram for another socket flushes the batch first. Loop thread only.
 *
 * <p>Layout (Linux LP64, x86_64 and aarch64; {@code <sys/socket.h>}, {@code <bits/uio.h>},
 * {@code <netinet/in.h>}): {@code struct msghdr} is {@code msg_name} (pointer, 0), {@code msg_namelen}
 * (u32, 8), {@code msg_iov} (pointer, 16), {@code msg_iovlen} (size_t, 24), {@code msg_control} (32),
 * {@code msg_controllen} (40), {@code msg_flags} (int, 48): 56 bytes; {@code struct mmsghdr} adds
 * {@code msg_len} (u32, 56) and pads to 64. {@code struct iovec}: base (0), length (8). {@code struct
 * sockaddr_in}: family (u16, host order, 0), port (u16, network order, 2), address (u32, network order,
 * 4), 8 zero bytes.
 */
final class MmsgBatch {
    /** The system call, so the batch can be tested without a socket ({@link ForeignSendmmsg} is the real one). */
    interface Syscall {
        /**
         * {@code sendmmsg(fd, msgvec, vlen, 0)}: the number of messages sent (the first {@code n} of
         * the vector), or -1 with {@link #errno()} set when the first one could not be sent.
         */
        int sendmmsg(int fd, long msgvec, int vlen);

        /** The calling thread's errno after a failed {@link #sendmmsg}. */
        int errno();
    }

    static final int SLOTS = 64;
    /** Payload room per slot: any datagram we build (media is well under 1500 + the SRTP tag). */
    static final int SLOT_BYTES = 2048;
    static final int MMSGHDR = 64;
    static final int IOVEC = 16;
    static final int SOCKADDR_IN = 16;
    static final short AF_INET = 2;
    static final int EAGAIN = 11;
    private static final boolean BIG = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;
    static final int ENOBUFS = 105;
    /** Larger than the interface MTU allows with DF set ({@link NativeSend#dontFragment}). */
    static final int EMSGSIZE = 90;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MmsgBatch.class);

    static final int IOV_BASE = SLOTS * MMSGHDR;
    static final int ADDR_BASE = IOV_BASE + SLOTS * IOVEC;
    static final int DATA_BASE = ADDR_BASE + SLOTS * SOCKADDR_IN;
    /** Native bytes a batch needs. */
    static final int BYTES = DATA_BASE + SLOTS * SLOT_BYTES;

    private final ByteBuffer mem;
    private final long base;
    private final Syscall sys;
    private UdpMux.Socket socket;
    private int count;
    private long datagrams;
    private long calls;
    private long dropped;
    private long oversize;

    /**
     * @param mem  {@link #BYTES} of native memory (a direct buffer over it)
     * @param base that memory's native address, written into the headers' pointers
     */
    MmsgBatch(ByteBuffer mem, long base, Syscall sys) {
        if (mem.capacity() < BYTES) throw new IllegalArgumentException("batch memory too small");
        this.mem = mem.order(ByteOrder.nativeOrder());
        this.base = base;
        this.sys = sys;
        for (int i = 0; i < SLOTS; i++) {
            int h = i * MMSGHDR;
            this.mem.putLong(h, base + ADDR_BASE + (long) i * SOCKADDR_IN); // msg_name
            this.mem.putInt(h + 8, SOCKADDR_IN);                          // msg_namelen
            this.mem.putLong(h + 16, base + IOV_BASE + (long) i * IOVEC);  // msg_iov
            this.mem.putLong(h + 24, 1);                                   // msg_iovlen
            this.mem.putLong(h + 32, 0);                                   // msg_control
            this.mem.putLong(h + 40, 0);                                   // msg_controllen
            this.mem.putInt(h + 48, 0);                                    // msg_flags
            this.mem.putLong(IOV_BASE + i * IOVEC, base + DATA_BASE + (long) i * SLOT_BYTES); // iov_base
            this.mem.putShort(ADDR_BASE + i * SOCKADDR_IN, AF_INET);       // sin_family
        }
    }

    /**
     * Queues one datagram of {@code len} bytes to {@code ipv4}:{@code port} (address as an int in network
     * byte order, i.e. the first octet in the high byte) on {@code s}, whose {@link UdpMux.Socket#fd} must
     * be an IPv4 socket's. False when it does not fit a slot (the caller sends it itself, after
     * {@link #flush()}); a full batch is sent at once.
     */
    boolean add(UdpMux.Socket s, byte[] b, int off, int len, int ipv4, int port) {
        if (len > SLOT_BYTES) {
            return false;
        }
        if (s != socket && count > 0) {
            flush();
        }
        socket = s;
        int i = count;
        mem.put(DATA_BASE + i * SLOT_BYTES, b, off, len);
        mem.putLong(IOV_BASE + i * IOVEC + 8, len);                             // iov_len
        int a = ADDR_BASE + i * SOCKADDR_IN;
        mem.putShort(a + 2, BIG ? (short) port : Short.reverseBytes((short) port)); // sin_port
        mem.putInt(a + 4, BIG ? ipv4 : Integer.reverseBytes(ipv4));                 // sin_addr
        if (++count == SLOTS) {
            flush();
        }
        return true;
    }

    /** Datagrams queued and not yet sent. */
    int pending() {
        return count;
    }

    /**
     * Sends every queued datagram. {@code sendmmsg} stops at the first message it cannot send: the sent
     * ones are skipped and the call repeated for the rest. A full socket buffer ({@code EAGAIN},
     * {@code ENOBUFS}) drops what is left, as a single full send would drop its datagram; any other
     * error (an unreachable destination) drops only the message it names. A socket being closed drops
     * the batch. Never throws for a send error.
     */
    void flush() {
        int n = count;
        if (n == 0) {
            return;
        }
        count = 0;
        UdpMux.Socket s = socket;
        long stamp = s.sendLock.tryReadLock();
        if (stamp == 0 || s.fd < 0) {
            dropped += n; // closing: its fd may already be another file's
            if (stamp != 0) s.sendLock.unlockRead(stamp);
            return;
        }
        try {
            int i = 0;
            while (i < n) {
                int r = sys.sendmmsg(s.fd, base + (long) i * MMSGHDR, n - i);
                calls++;
                if (r > 0) {
                    datagrams += r;
                    i += r;
                } else {
                    int e = r < 0 ? sys.errno() : EAGAIN; // 0 sent: treat as full
                    int lost = e == EAGAIN || e == ENOBUFS ? n - i : 1;
                    if (e == EMSGSIZE && oversize++ == 0) {
                        log.warn("rtc udp datagram over the interface MTU dropped len={} (logged once per loop)",
                                mem.getLong(IOV_BASE + i * IOVEC + 8));
                    }
                    dropped += lost;
                    i += lost;
                }
            }
        } finally {
            s.sendLock.unlockRead(stamp);
        }
    }

    /** Datagrams the kernel accepted. Loop thread; for tests and metrics. */
    long datagrams() {
        return datagrams;
    }

    /** {@code sendmmsg} calls made. */
    long calls() {
        return calls;
    }

    /** Datagrams dropped: socket buffer full, send error, or the socket closing. */
    long dropped() {
        return dropped;
    }

    /** Of {@link #dropped()}, datagrams refused as larger than the interface MTU ({@code EMSGSIZE}). */
    long oversize() {
        return oversize;
    }
}
