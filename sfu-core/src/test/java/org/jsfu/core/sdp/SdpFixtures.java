package org.jsfu.core.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Loads the Chrome-shaped SDP test resources with CRLF line endings, as a browser sends them. */
final class SdpFixtures {
    static final LocalTransport LOCAL = new LocalTransport("srvU1234", "serverPassword0123456789ab",
            "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9",
            List.of("1 1 udp 2130706431 127.0.0.1 7882 typ host generation 0"), true);

    private SdpFixtures() {
    }

    static String load(String name) {
        try (InputStream in = SdpFixtures.class.getResourceAsStream("/sdp/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /sdp/" + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.replace("\r\n", "\n").replace("\n", "\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of the section with the given mid, for exact line assertions. */
    static List<String> sectionLines(String sdp, String mid) {
        String[] sections = sdp.split("\r\nm=");
        for (int i = 1; i < sections.length; i++) {
            List<String> lines = List.of(("m=" + sections[i]).split("\r\n"));
            if (lines.contains("a=mid:" + mid)) {
                return lines;
            }
        }
        throw new AssertionError("no section with mid " + mid + " in\n" + sdp);
    }
}
