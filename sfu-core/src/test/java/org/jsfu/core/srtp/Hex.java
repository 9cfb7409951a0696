package org.jsfu.core.srtp;

final class Hex {
    private Hex() {}

    static byte[] decode(String s) {
        String c = s.replaceAll("\\s", "");
        byte[] out = new byte[c.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(c.substring(2 * i, 2 * i + 2), 16);
        return out;
    }

    static String encode(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) sb.append(String.format("%02x", b[off + i] & 0xff));
        return sb.toString();
    }
}
