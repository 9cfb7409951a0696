package org.jsfu.core.ice;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * A STUN message (RFC 5389 / RFC 8489) with the attributes ICE needs (RFC 8445 16.1).
 *
 * <p>{@link #parse} never throws and never allocates more than a copy of the input: any length
 * inconsistency returns null. A parsed message keeps a copy of its bytes so that
 * MESSAGE-INTEGRITY can be checked once the key is known ({@link #checkIntegrity}). A FINGERPRINT,
 * when present, is verified during parsing (a wrong one makes the parse fail).
 *
 * <p>To build a message set the fields and call {@link #encode}; MESSAGE-INTEGRITY and
 * FINGERPRINT are appended last, in that order (RFC 5389 15.4, 15.5).
 */
public final class StunMessage {
    public static final int HEADER_LENGTH = 20;
    /** RFC 5389 6: fixed magic cookie. */
    public static final int MAGIC_COOKIE = 0x2112A442;

    // RFC 5389 6 / 18.1: method 0x001 Binding with the four classes.
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_INDICATION = 0x0011;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;

    // RFC 5389 18.2, RFC 8445 16.1.
    public static final int ATTR_USERNAME = 0x0006;
    public static final int ATTR_MESSAGE_INTEGRITY = 0x0008;
    public static final int ATTR_ERROR_CODE = 0x0009;
    public static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    public static final int ATTR_PRIORITY = 0x0024;
    public static final int ATTR_USE_CANDIDATE = 0x0025;
    public static final int ATTR_SOFTWARE = 0x8022;
    public static final int ATTR_FINGERPRINT = 0x8028;
    public static final int ATTR_ICE_CONTROLLED = 0x8029;
    public static final int ATTR_ICE_CONTROLLING = 0x802A;

    /** RFC 5389 15.5: CRC-32 is XOR'ed with 0x5354554e. */
    static final int FINGERPRINT_XOR = 0x5354554e;
    /** RFC 5389 15.3: USERNAME MUST be less than 513 bytes. */
    static final int MAX_USERNAME_BYTES = 513;
    /** RFC 5389 15.6: reason phrase less than 128 characters (at most 763 bytes). */
    static final int MAX_REASON_BYTES = 763;
    private static final int MI_LENGTH = 20;
    private static final int FAMILY_IPV4 = 0x01;
    private static final int FAMILY_IPV6 = 0x02;

    private int type;
    private final byte[] transactionId = new byte[12];
    private String username;
    private InetSocketAddress xorMappedAddress;
    private boolean hasPriority;
    private long priority;
    private boolean useCandidate;
    private boolean hasIceControlling;
    private long iceControlling;
    private boolean hasIceControlled;
    private long iceControlled;
    private int errorCode = -1;
    private String errorReason;
    private String software;

    // Set by parse only.
    private byte[] raw;
    private int integrityPos = -1;
    private boolean fingerprintPresent;

    public StunMessage(int type, byte[] transactionId) {
        this.type = type & 0x3FFF;
        System.arraycopy(transactionId, 0, this.transactionId, 0, 12);
    }

    private StunMessage() {
    }

    // ---------------------------------------------------------------- demux helpers

    /**
     * RFC 7983 7: a first byte of 0..3 means STUN. Returns true if the buffer looks like a STUN
     * message (header, cookie, length consistent). Cheap; no allocation.
     */
    public static boolean isStun(byte[] b, int off, int len) {
        if (b == null || off < 0 || len < HEADER_LENGTH || off > b.length - len) return false;
        if ((b[off] & 0xFF) > 3) return false;
        int msgLen = u16(b, off + 2);
        return (msgLen & 3) == 0 && msgLen + HEADER_LENGTH == len && i32(b, off + 4) == MAGIC_COOKIE;
    }

    /**
     * For demultiplexing: if the buffer is a STUN Binding request, returns the part of its
     * USERNAME before ':' (the receiver's ufrag, RFC 8445 7.2.2), else null. Never throws.
     */
    public static String localUfrag(byte[] b, int off, int len) {
        if (!isStun(b, off, len) || u16(b, off) != BINDING_REQUEST) return null;
        int pos = off + HEADER_LENGTH;
        int end = off + len;
        while (pos + 4 <= end) {
            int t = u16(b, pos);
            int l = u16(b, pos + 2);
            int next = pos + 4 + ((l + 3) & ~3);
            if (next > end) return null;
            if (t == ATTR_USERNAME) {
                if (l == 0 || l > MAX_USERNAME_BYTES) return null;
                int v = pos + 4;
                for (int i = 0; i < l; i++) {
                    if (b[v + i] == ':') {
                        return i == 0 ? null : new String(b, v, i, StandardCharsets.UTF_8);
                    }
                }
                return null;
            }
            if (t == ATTR_MESSAGE_INTEGRITY) return null; // RFC 5389 15.4: later attributes ignored
            pos = next;
        }
        return null;
    }

    // ---------------------------------------------------------------- parsing

    /** Parses one STUN message filling exactly {@code len} bytes; null if malformed. */
    public static StunMessage parse(byte[] b, int off, int len) {
        if (!isStun(b, off, len)) return null;
        try {
            return parseChecked(Arrays.copyOfRange(b, off, off + len));
        } catch (RuntimeException e) {
            return null; // defensive: a bug in a branch must not escape to the socket loop
        }
    }

    private static StunMessage parseChecked(byte[] m) {
        StunMessage s = new StunMessage();
        s.raw = m;
        s.type = u16(m, 0);
        System.arraycopy(m, 8, s.transactionId, 0, 12);
        int pos = HEADER_LENGTH;
        int end = m.length;
        boolean afterIntegrity = false;
        while (pos < end) {
            if (pos + 4 > end) return null;
            int t = u16(m, pos);
            int l = u16(m, pos + 2);
            int v = pos + 4;
            int next = v + ((l + 3) & ~3);
            if (next > end) return null; // value or padding runs past the message
            if (t == ATTR_FINGERPRINT) {
                // RFC 5389 15.5: last attribute; CRC-32 over everything before it.
                if (l != 4 || next != end) return null;
                CRC32 crc = new CRC32();
                crc.update(m, 0, pos);
                if (((int) crc.getValue() ^ FINGERPRINT_XOR) != i32(m, v)) return null;
                s.fingerprintPresent = true;
            } else if (afterIntegrity) {
                // RFC 5389 15.4: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored.
            } else if (!s.parseAttribute(m, t, v, l, pos)) {
                return null;
            } else if (t == ATTR_MESSAGE_INTEGRITY) {
                afterIntegrity = true;
            }
            pos = next;
        }
        return s;
    }

    private boolean parseAttribute(byte[] m, int t, int v, int l, int attrPos) {
        switch (t) {
            case ATTR_USERNAME:
                if (l == 0 || l > MAX_USERNAME_BYTES) return false;
                if (username == null) username = new String(m, v, l, StandardCharsets.UTF_8);
                return true;
            case ATTR_MESSAGE_INTEGRITY:
                if (l != MI_LENGTH) return false;
                integrityPos = attrPos;
                return true;
            case ATTR_XOR_MAPPED_ADDRESS:
                if (xorMappedAddress != null) return true;
                xorMappedAddress = decodeXorAddress(m, v, l);
                return xorMappedAddress != null;
            case ATTR_PRIORITY:
                if (l != 4) return false;
                if (!hasPriority) { hasPriority = true; priority = i32(m, v) & 0xFFFFFFFFL; }
                return true;
            case ATTR_USE_CANDIDATE:
                if (l != 0) return false;
                useCandidate = true;
                return true;
            case ATTR_ICE_CONTROLLING:
                if (l != 8) return false;
                if (!hasIceControlling) { hasIceControlling = true; iceControlling = i64(m, v); }
                return true;
            case ATTR_ICE_CONTROLLED:
                if (l != 8) return false;
                if (!hasIceControlled) { hasIceControlled = true; iceControlled = i64(m, v); }
                return true;
            case ATTR_ERROR_CODE: {
                // RFC 5389 15.6: 21 reserved bits, class (3 bits), number (0..99), reason phrase.
                if (l < 4 || l > 4 + MAX_REASON_BYTES) return false;
                int cls = m[v + 2] & 0x07;
                int num = m[v + 3] & 0xFF;
                if (cls < 3 || cls > 6 || num > 99) return false;
                if (errorCode < 0) {
                    errorCode = cls * 100 + num;
                    errorReason = new String(m, v + 4, l - 4, StandardCharsets.UTF_8);
                }
                return true;
            }
            case ATTR_SOFTWARE:
                if (l > MAX_REASON_BYTES) return false;
                if (software == null) software = new String(m, v, l, StandardCharsets.UTF_8);
                return true;
            default:
                return true; // unknown attributes are ignored (we never send 420 as a lite responder)
        }
    }

    private InetSocketAddress decodeXorAddress(byte[] m, int v, int l) {
        // RFC 5389 15.2: X-Port = port ^ (cookie >> 16); X-Address ^ cookie (|| transaction id for IPv6).
        int family = m[v + 1] & 0xFF;
        int port = u16(m, v + 2) ^ (MAGIC_COOKIE >>> 16);
        byte[] addr;
        if (family == FAMILY_IPV4 && l == 8) {
            addr = new byte[4];
        } else if (family == FAMILY_IPV6 && l == 20) {
            addr = new byte[16];
        } else {
            return null;
        }
        for (int i = 0; i < addr.length; i++) {
            addr[i] = (byte) (m[v + 4 + i] ^ xorPad(i));
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Byte i of cookie || transaction id. */
    private byte xorPad(int i) {
        return i < 4 ? (byte) (MAGIC_COOKIE >>> (24 - 8 * i)) : transactionId[i - 4];
    }

    // ---------------------------------------------------------------- integrity

    /** An HMAC-SHA1 keyed with the short-term credential key (RFC 5389 15.4: the password). */
    public static Mac hmacSha1(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /** Short-term credential key of a password (RFC 5389 15.4; OpaqueString ignored: ASCII ice-chars). */
    public static byte[] shortTermKey(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    public boolean hasIntegrity() { return integrityPos >= 0; }
    public boolean hasFingerprint() { return fingerprintPresent; }

    /**
     * Verifies MESSAGE-INTEGRITY of a parsed message (RFC 5389 15.4): HMAC-SHA1 over the message up to
     * the attribute, with the header length field set as if MESSAGE-INTEGRITY were the last
     * attribute. False if absent or wrong. The Mac must be keyed; it is reset on return.
     */
    public boolean checkIntegrity(Mac mac) {
        if (raw == null || integrityPos < 0) return false;
        int adjustedLength = integrityPos + 4 + MI_LENGTH - HEADER_LENGTH;
        byte[] lenField = {(byte) (adjustedLength >>> 8), (byte) adjustedLength};
        mac.reset();
        mac.update(raw, 0, 2);
        mac.update(lenField);
        mac.update(raw, 4, integrityPos - 4);
        byte[] expected = mac.doFinal();
        byte[] actual = Arrays.copyOfRange(raw, integrityPos + 4, integrityPos + 4 + MI_LENGTH);
        return MessageDigest.isEqual(expected, actual);
    }

    public boolean checkIntegrity(byte[] key) {
        return checkIntegrity(hmacSha1(key));
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Writes the message to {@code out} at {@code off}; appends MESSAGE-INTEGRITY when
     * {@code integrity} (a keyed HMAC-SHA1) is non-null and FINGERPRINT when asked.
     * Returns the length written, or -1 if {@code out} is too small.
     */
    public int encode(byte[] out, int off, Mac integrity, boolean fingerprint) {
        byte[] user = username == null ? null : username.getBytes(StandardCharsets.UTF_8);
        byte[] reason = errorReason == null ? new byte[0] : errorReason.getBytes(StandardCharsets.UTF_8);
        byte[] soft = software == null ? null : software.getBytes(StandardCharsets.UTF_8);
        if (user != null && user.length > MAX_USERNAME_BYTES) throw new IllegalStateException("username too long");
        if (reason.length > MAX_REASON_BYTES) reason = Arrays.copyOf(reason, MAX_REASON_BYTES);
        int need = HEADER_LENGTH
                + (user == null ? 0 : 4 + pad(user.length))
                + (errorCode < 0 ? 0 : 4 + pad(4 + reason.length))
                + (xorMappedAddress == null ? 0 : 4 + (isV6(xorMappedAddress) ? 20 : 8))
                + (hasPriority ? 8 : 0) + (useCandidate ? 4 : 0)
                + (hasIceControlling ? 12 : 0) + (hasIceControlled ? 12 : 0)
                + (soft == null ? 0 : 4 + pad(soft.length))
                + (integrity == null ? 0 : 4 + MI_LENGTH) + (fingerprint ? 8 : 0);
        if (out == null || off < 0 || off > out.length - need) return -1;
        put16(out, off, type);
        put32(out, off + 4, MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, out, off + 8, 12);
        int p = off + HEADER_LENGTH;
        if (user != null) p = putBytes(out, p, ATTR_USERNAME, user);
        if (errorCode >= 0) {
            byte[] v = new byte[4 + reason.length];
            v[2] = (byte) (errorCode / 100);
            v[3] = (byte) (errorCode % 100);
            System.arraycopy(reason, 0, v, 4, reason.length);
            p = putBytes(out, p, ATTR_ERROR_CODE, v);
        }
        if (xorMappedAddress != null) p = putXorAddress(out, p);
        if (hasPriority) { p = putHeader(out, p, ATTR_PRIORITY, 4); put32(out, p, (int) priority); p += 4; }
        if (useCandidate) p = putHeader(out, p, ATTR_USE_CANDIDATE, 0);
        if (hasIceControlling) { p = putHeader(out, p, ATTR_ICE_CONTROLLING, 8); put64(out, p, iceControlling); p += 8; }
        if (hasIceControlled) { p = putHeader(out, p, ATTR_ICE_CONTROLLED, 8); put64(out, p, iceControlled); p += 8; }
        if (soft != null) p = putBytes(out, p, ATTR_SOFTWARE, soft);
        if (integrity != null) {
            put16(out, off + 2, p + 4 + MI_LENGTH - off - HEADER_LENGTH); // RFC 5389 15.4 length adjust
            integrity.reset();
            integrity.update(out, off, p - off);
            p = putHeader(out, p, ATTR_MESSAGE_INTEGRITY, MI_LENGTH);
            try {
                integrity.doFinal(out, p);
            } catch (ShortBufferException e) {
                throw new IllegalStateException(e); // cannot happen: space was checked
            }
            p += MI_LENGTH;
        }
        if (fingerprint) {
            put16(out, off + 2, p + 8 - off - HEADER_LENGTH);
            CRC32 crc = new CRC32();
            crc.update(out, off, p - off);
            p = putHeader(out, p, ATTR_FINGERPRINT, 4);
            put32(out, p, (int) crc.getValue() ^ FINGERPRINT_XOR);
            p += 4;
        }
        put16(out, off + 2, p - off - HEADER_LENGTH);
        return p - off;
    }

    private int putXorAddress(byte[] out, int p) {
        byte[] a = xorMappedAddress.getAddress().getAddress();
        p = putHeader(out, p, ATTR_XOR_MAPPED_ADDRESS, 4 + a.length);
        out[p] = 0;
        out[p + 1] = (byte) (a.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6);
        put16(out, p + 2, xorMappedAddress.getPort() ^ (MAGIC_COOKIE >>> 16));
        for (int i = 0; i < a.length; i++) out[p + 4 + i] = (byte) (a[i] ^ xorPad(i));
        return p + 4 + a.length;
    }

    private static boolean isV6(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address;
    }

    private static int pad(int n) { return (n + 3) & ~3; }

    private static int putHeader(byte[] out, int p, int t, int l) {
        put16(out, p, t);
        put16(out, p + 2, l);
        return p + 4;
    }

    private static int putBytes(byte[] out, int p, int t, byte[] v) {
        p = putHeader(out, p, t, v.length);
        System.arraycopy(v, 0, out, p, v.length);
        int padded = pad(v.length);
        Arrays.fill(out, p + v.length, p + padded, (byte) 0);
        return p + padded;
    }

    // ---------------------------------------------------------------- accessors

    public int type() { return type; }
    public boolean isBindingRequest() { return type == BINDING_REQUEST; }
    public byte[] transactionId() { return transactionId.clone(); }
    /** Compares the transaction id without copying it. */
    public boolean hasTransactionId(byte[] id) { return Arrays.equals(transactionId, id); }
    public String username() { return username; }
    public StunMessage username(String u) { this.username = u; return this; }
    public InetSocketAddress xorMappedAddress() { return xorMappedAddress; }
    public StunMessage xorMappedAddress(InetSocketAddress a) {
        if (a != null && a.isUnresolved()) throw new IllegalArgumentException("unresolved address");
        if (a != null && !(a.getAddress() instanceof Inet4Address) && !(a.getAddress() instanceof Inet6Address)) {
            throw new IllegalArgumentException("unsupported address family");
        }
        this.xorMappedAddress = a;
        return this;
    }
    public boolean hasPriority() { return hasPriority; }
    public long priority() { return priority; }
    public StunMessage priority(long p) { this.hasPriority = true; this.priority = p & 0xFFFFFFFFL; return this; }
    public boolean useCandidate() { return useCandidate; }
    public StunMessage useCandidate(boolean u) { this.useCandidate = u; return this; }
    public boolean hasIceControlling() { return hasIceControlling; }
    public long iceControlling() { return iceControlling; }
    public StunMessage iceControlling(long tieBreaker) { hasIceControlling = true; iceControlling = tieBreaker; return this; }
    public boolean hasIceControlled() { return hasIceControlled; }
    public long iceControlled() { return iceControlled; }
    public StunMessage iceControlled(long tieBreaker) { hasIceControlled = true; iceControlled = tieBreaker; return this; }
    /** ERROR-CODE number (300..699) or -1. */
    public int errorCode() { return errorCode; }
    public String errorReason() { return errorReason; }
    public StunMessage error(int code, String reason) {
        if (code < 300 || code > 699) throw new IllegalArgumentException("error code " + code);
        this.errorCode = code;
        this.errorReason = reason;
        return this;
    }
    public String software() { return software; }
    public StunMessage software(String s) { this.software = s; return this; }

    @Override
    public String toString() {
        return "StunMessage{type=0x" + Integer.toHexString(type) + ", username=" + username
                + ", useCandidate=" + useCandidate + ", errorCode=" + errorCode + "}";
    }

    // ---------------------------------------------------------------- byte helpers

    static int u16(byte[] b, int p) { return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF); }
    static int i32(byte[] b, int p) { return (u16(b, p) << 16) | u16(b, p + 2); }
    static long i64(byte[] b, int p) { return ((long) i32(b, p) << 32) | (i32(b, p + 4) & 0xFFFFFFFFL); }
    static void put16(byte[] b, int p, int v) { b[p] = (byte) (v >>> 8); b[p + 1] = (byte) v; }
    static void put32(byte[] b, int p, int v) { put16(b, p, v >>> 16); put16(b, p + 2, v); }
    static void put64(byte[] b, int p, long v) { put32(b, p, (int) (v >>> 32)); put32(b, p + 4, (int) v); }
}
