package org.jsfu.core.dtls;

import java.util.ArrayDeque;

/**
 * During the handshake only, until the peer's ChangeCipherSpec has gone through: holds epoch-1
 * records (a Finished overtaking the ChangeCipherSpec) until it has, and on the server side holds
 * the client's ChangeCipherSpec until its ClientKeyExchange and CertificateVerify have been handed
 * to BouncyCastle.
 *
 * <p>Why: BouncyCastle's record layer (1.81 to at least 1.84) switches its read epoch as soon as
 * it reads a ChangeCipherSpec once the pending cipher exists, i.e. once it has processed the
 * ClientKeyExchange, whatever the handshake still waits for. When only the CertificateVerify
 * datagram of flight 5 is lost, the ChangeCipherSpec behind it moves the server to epoch 1; the
 * client then retransmits the whole flight (RFC 6347 4.2.4), but its CertificateVerify is an
 * epoch-0 record, which the record layer now drops (RFC 6347 4.1: records of another epoch are
 * discarded), so the handshake waits for it until the timeout. In TLS order the ChangeCipherSpec
 * follows the CertificateVerify (RFC 5246 7.3, 7.4.8); releasing it only then makes a lost
 * CertificateVerify cost one retransmission like any other lost message. Likewise the record
 * layer drops a Finished that overtakes the ChangeCipherSpec (reordering), which then costs a whole
 * retransmission round; RFC 6347 4.1 allows buffering records of the next epoch instead.
 *
 * <p>Our server always requires a client certificate (RFC 5763 5), so a valid flight 5 always
 * carries a CertificateVerify; without one the handshake fails anyway. Session resumption is not
 * offered, so the client never sends a ChangeCipherSpec without a ClientKeyExchange. Once released
 * the gate passes everything. Datagrams are split into records (a datagram may carry several,
 * RFC 6347 4.1.1); BouncyCastle reads one record per datagram as well as several.
 *
 * <p>Single-threaded: used by the handshake thread, then by the pumping thread under the session's
 * pump lock.
 */
final class ChangeCipherSpecGate {
    static final int RECORD_HEADER = 13;
    static final int HANDSHAKE_HEADER = 12;
    static final int CONTENT_CHANGE_CIPHER_SPEC = 20;
    static final int CONTENT_HANDSHAKE = 22;
    static final int CONTENT_APPLICATION_DATA = 23;
    static final int CERTIFICATE = 11;
    static final int CLIENT_KEY_EXCHANGE = 16;
    static final int CERTIFICATE_VERIFY = 15;
    /** Epoch-1 records held behind a ChangeCipherSpec (a Finished, perhaps fragmented, and a little data). */
    static final int MAX_HELD = 16;

    private final ArrayDeque<byte[]> ready = new ArrayDeque<>();
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    private final MessageCoverage clientKeyExchange = new MessageCoverage();
    private final MessageCoverage certificateVerify = new MessageCoverage();
    private final boolean server;
    private byte[] heldChangeCipherSpec;
    private boolean released;

    /** @param server whether the local side is the server (then flight 5 must precede the ChangeCipherSpec) */
    ChangeCipherSpecGate(boolean server) {
        this.server = server;
    }

    /** Splits a datagram from the peer into records and queues or holds each. */
    void push(byte[] datagram) {
        int off = 0;
        while (off < datagram.length) {
            int len = datagram.length - off >= RECORD_HEADER ? RECORD_HEADER + u16(datagram, off + 11) : 0;
            if (len == 0 || off + len > datagram.length) {
                ready.add(slice(datagram, off, datagram.length - off)); // malformed tail: the record layer drops it
                return;
            }
            accept(slice(datagram, off, len));
            off += len;
        }
    }

    /** Next record to hand to the record layer, or null. */
    byte[] poll() {
        return ready.poll();
    }

    boolean hasReady() {
        return !ready.isEmpty();
    }

    boolean released() {
        return released;
    }

    private void accept(byte[] rec) {
        if (released) {
            ready.add(rec);
            return;
        }
        int type = rec[0] & 0xFF;
        int epoch = u16(rec, 3);
        if (epoch == 0 && type == CONTENT_HANDSHAKE) {
            ready.add(rec);
            if (server) noteHandshakeFragments(rec);
            if (heldChangeCipherSpec != null && flightComplete()) {
                release(heldChangeCipherSpec);
            }
        } else if (epoch == 0 && type == CONTENT_CHANGE_CIPHER_SPEC) {
            if (flightComplete()) {
                release(rec);
            } else {
                heldChangeCipherSpec = rec; // a retransmitted one replaces the earlier copy
            }
        } else if (epoch != 0) {
            // RFC 6347 4.1: records of the next epoch may be buffered; the record layer would drop them.
            if (held.size() == MAX_HELD) held.poll();
            held.add(rec);
        } else {
            ready.add(rec);
        }
    }

    private boolean flightComplete() {
        return !server || (clientKeyExchange.complete() && certificateVerify.complete());
    }

    private void release(byte[] changeCipherSpec) {
        ready.add(changeCipherSpec);
        ready.addAll(held);
        heldChangeCipherSpec = null;
        held.clear();
        released = true;
    }

    /** RFC 6347 4.2.2: a plaintext handshake record holds one or more handshake message fragments. */
    private void noteHandshakeFragments(byte[] rec) {
        int off = RECORD_HEADER;
        while (off + HANDSHAKE_HEADER <= rec.length) {
            int msgType = rec[off] & 0xFF;
            int length = u24(rec, off + 1);
            int fragmentOffset = u24(rec, off + 6);
            int fragmentLength = u24(rec, off + 9);
            if (off + HANDSHAKE_HEADER + fragmentLength > rec.length) return;
            if (msgType == CLIENT_KEY_EXCHANGE) {
                clientKeyExchange.add(length, fragmentOffset, fragmentLength);
            } else if (msgType == CERTIFICATE_VERIFY) {
                certificateVerify.add(length, fragmentOffset, fragmentLength);
            }
            off += HANDSHAKE_HEADER + fragmentLength;
        }
    }

    /**
     * Whether fragments seen so far cover a message from its start to its end. Fragments past a gap
     * are not remembered: the gate then waits for the retransmitted flight, which is safe.
     */
    static final class MessageCoverage {
        private int length = -1;
        private int coveredTo;

        void add(int messageLength, int fragmentOffset, int fragmentLength) {
            if (length < 0) length = messageLength;
            if (messageLength != length) return; // inconsistent: ignored, the record layer judges it
            if (fragmentOffset <= coveredTo) {
                coveredTo = Math.max(coveredTo, fragmentOffset + fragmentLength);
            }
        }

        boolean complete() {
            return length >= 0 && coveredTo >= length;
        }
    }

    private static byte[] slice(byte[] b, int off, int len) {
        byte[] r = new byte[len];
        System.arraycopy(b, off, r, 0, len);
        return r;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    private static int u24(byte[] b, int off) {
        return ((b[off] & 0xFF) << 16) | ((b[off + 1] & 0xFF) << 8) | (b[off + 2] & 0xFF);
    }
}
