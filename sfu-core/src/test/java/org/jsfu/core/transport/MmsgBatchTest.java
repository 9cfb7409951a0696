package org.jsfu.core.transport;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link MmsgBatch} without a socket: the {@code struct mmsghdr}/{@code iovec}/{@code sockaddr_in} it
 * writes (read back from its memory at the pointers it wrote, with a made-up base address), when it
 * flushes, and what it drops on partial sends and errors (a scripted {@link MmsgBatch.Syscall}).
 */
class MmsgBatchTest {
    private static final long BASE = 0x7f00_1234_0000L;

    private final ByteBuffer mem = ByteBuffer.allocateDirect(MmsgBatch.BYTES).order(ByteOrder.nativeOrder());
    private final Script sys = new Script();
    private final MmsgBatch batch = new MmsgBatch(mem, BASE, sys);
    private final UdpMux.Socket socket = socket(7);

    /** A Syscall that records each call's datagrams (decoded from the headers) and answers from a script. */
    private final class Script implements MmsgBatch.Syscall {
        final List<int[]> answers = new ArrayList<>(); // {return value, errno}
        final List<Integer> fds = new ArrayList<>();
        final List<Integer> vlens = new ArrayList<>();
        final List<byte[]> sent = new ArrayList<>();
        int errno;

        @Override
        public int sendmmsg(int fd, long msgvec, int vlen) {
            fds.add(fd);
            vlens.add(vlen);
            int[] a = answers.isEmpty() ? new int[] {vlen, 0} : answers.remove(0);
            int r = Math.min(a[0], vlen);
            for (int k = 0; k < r; k++) {
                sent.add(payloadAt((int) (msgvec - BASE) + k * MmsgBatch.MMSGHDR));
            }
            errno = a[1];
            return r;
        }

        @Override
        public int errno() {
            return errno;
        }
    }

    private static UdpMux.Socket socket(int fd) {
        UdpMux.Socket s = new UdpMux.Socket(null, null, 5000);
        s.fd = fd;
        return s;
    }

    /** Follows header {@code h}'s msg_iov pointer to the payload it names. */
    private byte[] payloadAt(int h) {
        int iov = (int) (mem.getLong(h + 16) - BASE);
        int data = (int) (mem.getLong(iov) - BASE);
        byte[] out = new byte[(int) mem.getLong(iov + 8)];
        mem.get(data, out);
        return out;
    }

    private static byte[] datagram(int tag, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) (tag * 31 + i);
        return b;
    }

    private void add(int tag) {
        assertTrue(batch.add(socket, datagram(tag, 100), 0, 100, 0x7f000001, 6000));
    }

    @Test
    void writesMmsghdrIovecAndSockaddrIn() throws Exception {
        byte[] d = datagram(1, 130);
        int ip = ByteBuffer.wrap(InetAddress.getByName("10.1.2.3").getAddress()).getInt();
        batch.add(socket, new byte[] {9, 9}, 0, 2, 0x7f000001, 1);
        assertTrue(batch.add(socket, d, 5, 120, ip, 5004)); // slot 1, from an offset

        int h = MmsgBatch.MMSGHDR;
        long name = mem.getLong(h);
        assertEquals(BASE + MmsgBatch.ADDR_BASE + MmsgBatch.SOCKADDR_IN, name, "msg_name -> slot 1's sockaddr_in");
        assertEquals(16, mem.getInt(h + 8), "msg_namelen");
        assertEquals(BASE + MmsgBatch.IOV_BASE + MmsgBatch.IOVEC, mem.getLong(h + 16), "msg_iov");
        assertEquals(1, mem.getLong(h + 24), "msg_iovlen");
        assertEquals(0, mem.getLong(h + 32), "msg_control");
        assertEquals(0, mem.getLong(h + 40), "msg_controllen");
        int iov = (int) (mem.getLong(h + 16) - BASE);
        assertEquals(BASE + MmsgBatch.DATA_BASE + MmsgBatch.SLOT_BYTES, mem.getLong(iov), "iov_base -> slot 1's payload");
        assertEquals(120, mem.getLong(iov + 8), "iov_len");
        byte[] expected = java.util.Arrays.copyOfRange(d, 5, 125);
        assertArrayEquals(expected, payloadAt(h));

        int a = (int) (name - BASE);
        assertEquals(2, mem.getShort(a), "sin_family AF_INET, host order");
        byte[] sa = new byte[16];
        mem.get(a, sa);
        assertArrayEquals(new byte[] {0x13, (byte) 0x8c}, java.util.Arrays.copyOfRange(sa, 2, 4), "sin_port 5004, network order");
        assertArrayEquals(new byte[] {10, 1, 2, 3}, java.util.Arrays.copyOfRange(sa, 4, 8), "sin_addr, network order");
        assertArrayEquals(new byte[8], java.util.Arrays.copyOfRange(sa, 8, 16), "sin_zero");
        assertEquals(0, sys.fds.size(), "nothing sent before a flush");
        assertEquals(2, batch.pending());
    }

    @Test
    void aFullBatchIsSentAtOnceAndTheRestOnFlush() {
        for (int i = 0; i < MmsgBatch.SLOTS + 3; i++) add(i);
        assertEquals(List.of(MmsgBatch.SLOTS), sys.vlens, "one call when the batch filled");
        assertEquals(List.of(7), sys.fds);
        assertEquals(3, batch.pending());
        batch.flush();
        assertEquals(List.of(MmsgBatch.SLOTS, 3), sys.vlens);
        assertEquals(MmsgBatch.SLOTS + 3, sys.sent.size());
        for (int i = 0; i < sys.sent.size(); i++) {
            assertArrayEquals(datagram(i, 100), sys.sent.get(i), "datagram " + i + " in order");
        }
        assertEquals(MmsgBatch.SLOTS + 3, batch.datagrams());
        assertEquals(2, batch.calls());
        batch.flush();
        assertEquals(2, batch.calls(), "an empty flush makes no call");
    }

    @Test
    void aPartialSendIsContinuedFromTheFirstUnsentMessage() {
        for (int i = 0; i < 10; i++) add(i);
        sys.answers.add(new int[] {4, 0});
        sys.answers.add(new int[] {5, 0});
        batch.flush();
        assertEquals(List.of(10, 6, 1), sys.vlens, "4 sent, then the other 6 from message 4, then the last");
        assertEquals(10, sys.sent.size());
        for (int i = 0; i < 10; i++) assertArrayEquals(datagram(i, 100), sys.sent.get(i));
        assertEquals(0, batch.dropped());
    }

    @Test
    void aFullSocketBufferDropsTheRestAndAnotherErrorOnlyItsMessage() {
        for (int i = 0; i < 10; i++) add(i);
        sys.answers.add(new int[] {3, 0});
        sys.answers.add(new int[] {-1, MmsgBatch.EAGAIN});
        batch.flush();
        assertEquals(List.of(10, 7), sys.vlens, "no retry after EAGAIN");
        assertEquals(3, batch.datagrams());
        assertEquals(7, batch.dropped());

        for (int i = 0; i < 5; i++) add(i);
        sys.answers.add(new int[] {-1, 101}); // ENETUNREACH for message 0 only
        batch.flush();
        assertEquals(List.of(10, 7, 5, 4), sys.vlens, "the failed message skipped, the others sent");
        assertEquals(3 + 4, batch.datagrams());
        assertEquals(7 + 1, batch.dropped());
        assertArrayEquals(datagram(1, 100), sys.sent.get(3));
    }

    @Test
    void aDatagramOverTheMtuIsDroppedAloneAndCounted() {
        for (int i = 0; i < 6; i++) add(i);
        sys.answers.add(new int[] {2, 0});
        sys.answers.add(new int[] {-1, MmsgBatch.EMSGSIZE}); // message 2: too large with DF set
        batch.flush();
        assertEquals(List.of(6, 4, 3), sys.vlens, "the rest sent after the oversize one");
        assertEquals(5, batch.datagrams());
        assertEquals(1, batch.dropped());
        assertEquals(1, batch.oversize());
        assertEquals(0, batch.pending());
    }

    @Test
    void anotherSocketFlushesFirstAndAClosedSocketDrops() {
        UdpMux.Socket other = socket(9);
        add(0);
        add(1);
        assertTrue(batch.add(other, datagram(2, 50), 0, 50, 0x7f000001, 6000));
        assertEquals(List.of(7), sys.fds, "the first socket's two datagrams left before the other's");
        batch.flush();
        assertEquals(List.of(7, 9), sys.fds);
        assertEquals(List.of(2, 1), sys.vlens);

        add(3);
        socket.fd = -1; // UdpMux closed it
        batch.flush();
        assertEquals(2, sys.fds.size(), "no call on a closed socket's old descriptor");
        assertEquals(1, batch.dropped());
    }

    @Test
    void aDatagramLargerThanASlotIsRefused() {
        assertFalse(batch.add(socket, new byte[MmsgBatch.SLOT_BYTES + 1], 0, MmsgBatch.SLOT_BYTES + 1, 1, 1));
        assertEquals(0, batch.pending());
    }
}
