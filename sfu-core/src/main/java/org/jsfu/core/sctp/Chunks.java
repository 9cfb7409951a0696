package org.jsfu.core.sctp;

/** SCTP wire constants (RFC 4960 3.2, RFC 3758 3.2, RFC 6525 3.1) and big-endian helpers. */
final class Chunks {
    static final int DATA = 0;
    static final int INIT = 1;
    static final int INIT_ACK = 2;
    static final int SACK = 3;
    static final int HEARTBEAT = 4;
    static final int HEARTBEAT_ACK = 5;
    static final int ABORT = 6;
    static final int SHUTDOWN = 7;
    static final int SHUTDOWN_ACK = 8;
    static final int ERROR = 9;
    static final int COOKIE_ECHO = 10;
    static final int COOKIE_ACK = 11;
    static final int SHUTDOWN_COMPLETE = 14;
    static final int RE_CONFIG = 130;
    static final int FORWARD_TSN = 192;

    /** DATA flags (RFC 4960 3.3.1). */
    static final int FLAG_END = 1;
    static final int FLAG_BEGIN = 2;
    static final int FLAG_UNORDERED = 4;
    /** ABORT / SHUTDOWN COMPLETE: the verification tag is the peer's own (RFC 4960 3.3.7). */
    static final int FLAG_T = 1;

    /** INIT parameters (RFC 4960 3.3.2, RFC 3758 3.1, RFC 5061 4.2.7). */
    static final int PARAM_STATE_COOKIE = 7;
    static final int PARAM_FORWARD_TSN_SUPPORTED = 0xC000;
    static final int PARAM_SUPPORTED_EXTENSIONS = 0x8008;
    static final int PARAM_HEARTBEAT_INFO = 1;
    /** RE-CONFIG parameters (RFC 6525 4). */
    static final int PARAM_OUTGOING_RESET = 13;
    static final int PARAM_INCOMING_RESET = 14;
    static final int PARAM_RECONFIG_RESPONSE = 16;

    static final int COMMON_HEADER = 12;
    static final int DATA_HEADER = 16;

    private Chunks() {
    }

    static int u8(byte[] b, int o) {
        return b[o] & 0xff;
    }

    static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }

    static int i32(byte[] b, int o) {
        return ((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
    }

    static long u32(byte[] b, int o) {
        return i32(b, o) & 0xffffffffL;
    }

    static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
    }

    static void put32(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }

    static void put64(byte[] b, int o, long v) {
        put32(b, o, (int) (v >>> 32));
        put32(b, o + 4, (int) v);
    }

    static long i64(byte[] b, int o) {
        return ((long) i32(b, o) << 32) | (i32(b, o + 4) & 0xffffffffL);
    }

    /** Serial number comparison of 32-bit TSNs (RFC 1982 as used by RFC 4960 1.6): a before b. */
    static boolean before(int a, int b) {
        return a - b < 0;
    }

    /** 16-bit serial comparison for stream sequence numbers. */
    static boolean ssnBefore(int a, int b) {
        return (short) (a - b) < 0;
    }

    static int padded(int len) {
        return (len + 3) & ~3;
    }
}
