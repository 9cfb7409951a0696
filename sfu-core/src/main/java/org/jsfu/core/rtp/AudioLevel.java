package org.jsfu.core.rtp;

/**
 * Client-to-mixer audio level header extension (RFC 6464 section 3): one byte, V (voice activity) in
 * the top bit and the level in -dBov (0 loudest .. 127 silence) in the low 7 bits. Values are packed
 * into an int: -1 when absent, else {@code (v ? 0x80 : 0) | level}.
 */
public final class AudioLevel {
    /** -dBov of digital silence. */
    public static final int SILENCE = 127;

    private AudioLevel() {
    }

    /** Reads the extension with id {@code extId} of a valid packet; -1 when absent or empty. */
    public static int read(RtpPacket p, int extId) {
        long ref = p.findExtension(extId);
        if (ref < 0 || RtpPacket.extLength(ref) < 1) {
            return -1;
        }
        return p.buffer()[RtpPacket.extOffset(ref)] & 0xff;
    }

    public static int level(int packed) {
        return packed & 0x7f;
    }

    public static boolean voice(int packed) {
        return (packed & 0x80) != 0;
    }

    public static byte encode(boolean voice, int level) {
        if (level < 0 || level > 127) {
            throw new IllegalArgumentException("level 0..127");
        }
        return (byte) ((voice ? 0x80 : 0) | level);
    }

    /** Linear amplitude 0..1 of a -dBov level: 10^(-level/20). */
    public static double toLinear(int level) {
        return Math.pow(10, -level / 20.0);
    }
}
