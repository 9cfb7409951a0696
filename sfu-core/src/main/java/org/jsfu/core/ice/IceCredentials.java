package org.jsfu.core.ice;

import java.security.SecureRandom;

/**
 * ICE username fragment and password (RFC 8839 5.4: ufrag 4..256 and pwd 22..256 ice-chars,
 * ice-char = ALPHA / DIGIT / "+" / "/").
 */
public record IceCredentials(String ufrag, String pwd) {
    static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final int UFRAG_LENGTH = 16;
    public static final int PWD_LENGTH = 32;

    public IceCredentials {
        if (ufrag == null || ufrag.length() < 4 || ufrag.length() > 256 || !isIceChars(ufrag)) {
            throw new IllegalArgumentException("invalid ice ufrag");
        }
        if (pwd == null || pwd.length() < 22 || pwd.length() > 256 || !isIceChars(pwd)) {
            throw new IllegalArgumentException("invalid ice pwd");
        }
    }

    /** Fresh random credentials from SecureRandom (16-char ufrag, 32-char pwd). */
    public static IceCredentials random() {
        return new IceCredentials(randomString(UFRAG_LENGTH), randomString(PWD_LENGTH));
    }

    static String randomString(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) c[i] = ICE_CHARS.charAt(RANDOM.nextInt(ICE_CHARS.length()));
        return new String(c);
    }

    static boolean isIceChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (ICE_CHARS.indexOf(s.charAt(i)) < 0) return false;
        }
        return true;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "IceCredentials{ufrag=" + ufrag + "}";
    }
}
