package org.jsfu.core.srtp;

/**
 * One direction of an SRTP/SRTCP crypto context (RFC 3711) for one DTLS-SRTP association.
 * A sender protects, a receiver unprotects; all work is in place on (byte[], off, len) and nothing is
 * allocated per packet (per new SSRC only). Not thread-safe: use from the owning media loop.
 *
 * <p>protect methods need room for the trailer after the packet (tag, plus 4 bytes of SRTCP index):
 * at least {@link #maxOverhead()} bytes; they return the new length, or -1 if the packet is malformed
 * or the buffer is too small. unprotect methods return the plain length or -1 (malformed, replayed,
 * or failed authentication); per-SSRC state is created only after a packet authenticates.
 *
 * <p>Sender ROC: a writer that knows each packet's index (ROC * 2^16 + SEQ, RFC 3711 section 3.3.1),
 * as a forwarder extending its own output sequence does, passes it to
 * {@link #protectRtp(byte[], int, int, long)}, which keeps no per-SSRC state, so any number of outgoing
 * SSRCs works. {@link #protectRtp(byte[], int, int)} estimates the index from the sequence numbers
 * written before, exactly as the receiver will, so retransmissions of older sequence numbers keep their
 * ROC; a sender's table of those estimates grows instead of evicting, since an evicted SSRC would
 * restart at ROC 0 while its receiver is past it. Either way, a forward jump of 2^15 or more between
 * consecutive packets of one SSRC cannot be followed by any receiver; writers of outgoing sequence
 * numbers must keep jumps smaller.
 */
public final class SrtpSession {
    /** Default bound on SSRCs tracked per session (RTP and RTCP each). */
    public static final int DEFAULT_MAX_STREAMS = 64;

    private final SrtpProfile profile;
    private final boolean sender;
    private final SrtpTransform transform;
    private final int tag;
    private final StreamTable rtpStreams;
    private final StreamTable rtcpStreams;
    private int srtcpIndex;

    private SrtpSession(SrtpProfile profile, boolean sender, SrtpTransform transform, int maxStreams) {
        this.profile = profile;
        this.sender = sender;
        this.transform = transform;
        this.tag = transform.tagLength();
        // a receiver's SSRCs come from the peer: bounded, least recently used evicted; a sender's are ours
        this.rtpStreams = new StreamTable(maxStreams, sender);
        this.rtcpStreams = new StreamTable(maxStreams, sender);
    }

    /**
     * How AEAD_AES_128_GCM computes its tags in this JVM: "clmul" (the JDK's carry-less multiply, reached
     * through {@code Add-Opens java.base/com.sun.crypto.provider}) or "table (why not clmul)".
     */
    public static String gcmHashImplementation() {
        return Ghash.implementation();
    }

    /**
     * How AEAD_AES_128_GCM makes its keystream: "jdk" (the JDK's counter mode, same flag as above) or
     * "ecb (why not jdk)", one AES/ECB call over the counter blocks.
     */
    public static String gcmCounterImplementation() {
        return JdkCtr.available() ? "jdk" : "ecb (" + JdkCtr.unavailableReason() + ")";
    }

    /** True when AEAD_AES_128_GCM's GHASH is the JDK's carry-less multiply ("clmul" above). */
    public static boolean gcmHashIsCarryless() {
        return ClmulGhash.available();
    }

    /** A session that protects outgoing SRTP/SRTCP with the given master key and salt. */
    public static SrtpSession sender(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        return new SrtpSession(profile, true, transform(profile, masterKey, masterSalt), DEFAULT_MAX_STREAMS);
    }

    /** A session that unprotects incoming SRTP/SRTCP with the given master key and salt. */
    public static SrtpSession receiver(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        return receiver(profile, masterKey, masterSalt, DEFAULT_MAX_STREAMS);
    }

    /** As {@link #receiver(SrtpProfile, byte[], byte[])} with an explicit SSRC bound. */
    public static SrtpSession receiver(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, int maxStreams) {
        return new SrtpSession(profile, false, transform(profile, masterKey, masterSalt), maxStreams);
    }

    /** For known-answer tests that start from session keys. */
    static SrtpSession withTransform(SrtpProfile profile, boolean sender, SrtpTransform t) {
        return new SrtpSession(profile, sender, t, DEFAULT_MAX_STREAMS);
    }

    private static SrtpTransform transform(SrtpProfile p, byte[] key, byte[] salt) {
        if (key == null || key.length != p.keyLength()) {
            throw new IllegalArgumentException("master key must be " + p.keyLength() + " bytes for " + p);
        }
        if (salt == null || salt.length != p.saltLength()) {
            throw new IllegalArgumentException("master salt must be " + p.saltLength() + " bytes for " + p);
        }
        return p.isAead() ? new AesGcmTransform(key, salt) : new AesCmHmacTransform(key, salt);
    }

    public SrtpProfile profile() { return profile; }

    /**
     * SSRCs with SRTP state: a receiver's at most the session's bound (the least recently used is evicted);
     * a sender's, those protected by index estimation. For tests and metrics.
     */
    public int rtpStreamCount() { return rtpStreams.size(); }

    /** Bytes protect may add to a packet: the tag plus, for SRTCP, the 4-byte E|index word. */
    public int maxOverhead() { return tag + 4; }

    /**
     * Reads the key state {@link #protectRtp(byte[], int, int, long)} uses (cache warming) by stages, for a
     * caller that reads many sessions level by level (each pass's cache misses independent of each other):
     * 0 this object, 1 the transform object, 2 what the transform's
     * {@code touch} reads (its arrays and the objects of its hash and counter), 3 the same again, now that
     * those objects are in cache (their arrays); nothing after.
     */
    public int touch(int stage) {
        SrtpTransform t = transform; // stage 0: this read is the read of this object
        return switch (stage) {
            case 0 -> t != null ? 1 : 0;
            case 1 -> t.touchFields();
            case 2, 3 -> t.touch();
            default -> 0;
        };
    }

    /**
     * Protects an RTP packet in place (RFC 3711 section 3.3) whose packet index the caller knows (section
     * 3.3.1: ROC * 2^16 + SEQ, the ROC counted from 0 at the SSRC's first packet); keeps no per-SSRC state.
     * Returns the SRTP length, or -1 when the packet is malformed, the buffer too small, or the index
     * negative, above 2^48 - 1, or not ending in the header's sequence number.
     */
    public int protectRtp(byte[] b, int off, int len, long index) {
        requireSender(true);
        int hdr = rtpHeaderLength(b, off, len);
        if (hdr < 0 || off + len + tag > b.length || index < 0 || index >= 1L << 48) return -1;
        int seq = (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
        if ((int) (index & 0xffff) != seq) return -1;
        return transform.protectRtp(b, off, hdr, len, SrtpTransform.getInt(b, off + 8), index);
    }

    /**
     * Protects an RTP packet in place (RFC 3711 section 3.3), estimating its index from the packets of its
     * SSRC protected before; returns the SRTP length or -1.
     */
    public int protectRtp(byte[] b, int off, int len) {
        requireSender(true);
        int hdr = rtpHeaderLength(b, off, len);
        if (hdr < 0 || off + len + tag > b.length) return -1;
        int ssrc = SrtpTransform.getInt(b, off + 8);
        int seq = (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
        StreamState st = rtpStreams.find(ssrc);
        if (st == null) st = rtpStreams.claim(ssrc);
        long index = st.estimateIndex(seq);
        if (index < 0) index = seq; // before our first packet with ROC 0: keep ROC 0
        st.advance(index);
        return transform.protectRtp(b, off, hdr, len, ssrc, index);
    }

    /** Verifies, replay-checks and decrypts an SRTP packet in place; returns the RTP length or -1. */
    public int unprotectRtp(byte[] b, int off, int len) {
        requireSender(false);
        if (len < 12 + tag) return -1;
        int hdr = rtpHeaderLength(b, off, len - tag);
        if (hdr < 0) return -1;
        int ssrc = SrtpTransform.getInt(b, off + 8);
        int seq = (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
        StreamState st = rtpStreams.find(ssrc);
        long index;
        if (st != null) {
            index = st.estimateIndex(seq);
            if (index < 0 || st.isReplay(index)) return -1;
        } else {
            index = seq; // section 3.3.1: a new stream starts with ROC 0
        }
        int n = transform.unprotectRtp(b, off, hdr, len, ssrc, index);
        if (n < 0) return -1;
        if (st == null) st = rtpStreams.claim(ssrc); // only now: the packet authenticated
        st.accept(index);
        return n;
    }

    /** Protects an RTCP compound packet in place (RFC 3711 section 3.4); returns the SRTCP length or -1. */
    public int protectRtcp(byte[] b, int off, int len) {
        requireSender(true);
        if (len < 8 || (b[off] & 0xc0) != 0x80 || off + len + tag + 4 > b.length) return -1;
        int ssrc = SrtpTransform.getInt(b, off + 4);
        int index = srtcpIndex;
        srtcpIndex = (srtcpIndex + 1) & 0x7fffffff;
        return transform.protectRtcp(b, off, len, ssrc, index);
    }

    /** Verifies, replay-checks (on the SRTCP index) and decrypts SRTCP in place; returns the RTCP length or -1. */
    public int unprotectRtcp(byte[] b, int off, int len) {
        requireSender(false);
        if (len < 8 + 4 + tag || (b[off] & 0xc0) != 0x80) return -1;
        int ssrc = SrtpTransform.getInt(b, off + 4);
        int eIndex = SrtpTransform.getInt(b, off + transform.rtcpIndexOffset(len));
        long index = eIndex & 0x7fffffffL;
        StreamState st = rtcpStreams.find(ssrc);
        if (st != null && st.isReplay(index)) return -1;
        int n = transform.unprotectRtcp(b, off, len, ssrc, eIndex);
        if (n < 0) return -1;
        if (st == null) st = rtcpStreams.claim(ssrc);
        st.accept(index);
        return n;
    }

    /** Number of SSRCs with state (RTP + RTCP); for tests. */
    int streamCount() { return rtpStreams.size() + rtcpStreams.size(); }

    private void requireSender(boolean wantSender) {
        if (sender != wantSender) {
            throw new IllegalStateException(sender ? "sender session cannot unprotect" : "receiver session cannot protect");
        }
    }

    /** RFC 3550 section 5.1/5.3.1: fixed header, CSRCs and the optional extension; -1 if malformed. */
    static int rtpHeaderLength(byte[] b, int off, int len) {
        if (len < 12) return -1;
        int v = b[off] & 0xff;
        if ((v >>> 6) != 2) return -1;
        int hdr = 12 + 4 * (v & 0x0f);
        if ((v & 0x10) != 0) {
            if (hdr + 4 > len) return -1;
            int words = (b[off + hdr + 2] & 0xff) << 8 | (b[off + hdr + 3] & 0xff);
            hdr += 4 + 4 * words;
        }
        return hdr <= len ? hdr : -1;
    }
}
