package org.jsfu.core.room;

import java.security.SecureRandom;

/** LiveKit-style ids: a prefix and 12 random base62 characters ({@code RM_}, {@code PA_}, {@code TR_}). */
public final class Sids {
    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Sids() {}

    public static String room() { return random("RM_"); }

    public static String participant() { return random("PA_"); }

    public static String track() { return random("TR_"); }

    public static String random(String prefix) {
        StringBuilder sb = new StringBuilder(prefix.length() + 12).append(prefix);
        for (int i = 0; i < 12; i++) {
            sb.append(BASE62[RANDOM.nextInt(BASE62.length)]);
        }
        return sb.toString();
    }
}
