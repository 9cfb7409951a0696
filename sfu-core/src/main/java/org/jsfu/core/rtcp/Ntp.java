package org.jsfu.core.rtcp;

/** 64-bit NTP timestamps (RFC 3550 section 4): seconds since 1900 and a 32-bit binary fraction. */
public final class Ntp {
    /** Seconds from 1900-01-01 to 1970-01-01. */
    public static final long UNIX_EPOCH_OFFSET = 2_208_988_800L;

    private Ntp() {
    }

    public static long fromUnixMillis(long ms) {
        long secs = Math.floorDiv(ms, 1000) + UNIX_EPOCH_OFFSET;
        long frac = (Math.floorMod(ms, 1000L) << 32) / 1000;
        return (secs << 32) | frac;
    }

    public static long toUnixMillis(long ntp) {
        long secs = (ntp >>> 32) - UNIX_EPOCH_OFFSET;
        long frac = ntp & 0xffffffffL;
        return secs * 1000 + ((frac * 1000 + (1L << 31)) >>> 32); // rounded
    }

    /** The middle 32 bits, as used in LSR (RFC 3550 6.4.1). */
    public static long middle32(long ntp) {
        return (ntp >>> 16) & 0xffffffffL;
    }
}
