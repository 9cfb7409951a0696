package org.jsfu.egress.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FilepathTemplateTest {
    /** The reflector's key pattern (reflector-contract.md, "Recordings"). */
    private static final Pattern REFLECTOR = Pattern.compile(
            "^livekit/(?<roomname>[^/]+)/(?<identity>.+?)-(?<timestamp>\\d{4}-\\d{2}-\\d{2}T\\d{6})-(?<trackid>TR_\\w+)\\.(?<ext>\\w+)$");
    private static final long T = Instant.parse("2026-04-01T19:57:58.123456789Z").getEpochSecond() * 1_000_000_000L + 123_456_789L;

    private static FilepathTemplate.Values values(String room, String identity) {
        return new FilepathTemplate.Values(room, "RM_abc", "TR_AMR3SWs74Divho", "AUDIO", "MICROPHONE", identity, T, 0);
    }

    @Test
    void reflectorTemplateAfterAutoInsertion() {
        String tpl = FilepathTemplate.insertTrackIdForAutoEgress("livekit/{room_name}/{publisher_identity}-{time}");
        assertEquals("livekit/{room_name}/{publisher_identity}-{time}-{track_id}", tpl);
        String key = FilepathTemplate.resolve(tpl, values("standup-20260401172036", "juan-4b82ed"), ".ogg");
        assertEquals("livekit/standup-20260401172036/juan-4b82ed-2026-04-01T195758-TR_AMR3SWs74Divho.ogg", key);
        Matcher m = REFLECTOR.matcher(key);
        assertTrue(m.matches());
        assertEquals("juan-4b82ed", m.group("identity"));
        assertEquals("2026-04-01T195758", m.group("timestamp"));
        assertEquals("TR_AMR3SWs74Divho", m.group("trackid"));
        assertEquals("ogg", m.group("ext"));
    }

    @Test
    void autoInsertionRules() {
        assertEquals("a/b-{track_id}.ogg", FilepathTemplate.insertTrackIdForAutoEgress("a/b.ogg"));
        assertEquals("a/b-{track_id}.x.ogg", FilepathTemplate.insertTrackIdForAutoEgress("a/b.x.ogg"));
        assertEquals("a/{track_id}.ogg", FilepathTemplate.insertTrackIdForAutoEgress("a/{track_id}.ogg"));
        assertEquals("a/", FilepathTemplate.insertTrackIdForAutoEgress("a/"));
        assertEquals("", FilepathTemplate.insertTrackIdForAutoEgress(""));
    }

    @Test
    void variablesTimeFormatsDefaultsAndExtensions() {
        FilepathTemplate.Values v = values("r", "id");
        assertEquals("RM_abc/r/audio/microphone/20260401195758123-0.ogg",
                FilepathTemplate.resolve("{room_id}/{room_name}/{track_type}/{track_source}/{utc}-{retry}", v, ".ogg"));
        assertEquals("rec/TR_AMR3SWs74Divho-2026-04-01T195758.ogg", FilepathTemplate.resolve("rec/", v, ".ogg"));
        assertEquals("TR_AMR3SWs74Divho-2026-04-01T195758.ogg", FilepathTemplate.resolve("", v, ".ogg"));
        assertEquals("x/a.ogg", FilepathTemplate.resolve("x/a.mp4", v, ".ogg"));      // wrong known extension replaced
        assertEquals("x/a.OGG", FilepathTemplate.resolve("x/a.OGG", v, ".ogg"));
        assertEquals("x/a.v1.ogg", FilepathTemplate.resolve("x/a.v1", v, ".ogg"));    // unknown: appended
        assertEquals(".ogg", FilepathTemplate.extensionFor("audio/opus"));
        assertEquals(".ogg", FilepathTemplate.extensionFor("audio/PCMU"));
        assertEquals(".webm", FilepathTemplate.extensionFor("video/VP8"));
    }

    @Test
    void hostileInputsStayUnderThePrefix() {
        String[] templates = {"../../etc/passwd", "/abs/{room_name}", "a/../../b", "..\\..\\x", "a/./b/\u0000c\r\n",
            "{room_name}/{publisher_identity}", "....//..//x"};
        String[] hostile = {"../..", "..", "a/../../b", "x\\..\\y", "\u0000\r\n/", "/etc/passwd", "."};
        for (String t : templates) {
            for (String h : hostile) {
                String p = FilepathTemplate.resolve(t, values(h, h), ".ogg");
                assertFalse(p.startsWith("/"), p);
                assertFalse(p.contains("\\"), p);
                for (String seg : p.split("/")) {
                    assertFalse(seg.equals("..") || seg.equals(".") || seg.isEmpty(), t + " + " + h + " -> " + p);
                }
                for (char c : p.toCharArray()) assertTrue(c >= 0x20 && c != 0x7f, p);
                assertTrue(p.endsWith(".ogg"), p);
            }
        }
        assertEquals("etc/passwd.ogg", FilepathTemplate.resolve("../../etc/passwd", values("r", "i"), ".ogg"));
        // a room name cannot add a directory level: the reflector's [^/]+ still matches
        String key = FilepathTemplate.resolve(FilepathTemplate.insertTrackIdForAutoEgress("livekit/{room_name}/{publisher_identity}-{time}"),
                values("a/b/../c", "x/../y"), ".ogg");
        assertEquals("livekit/ab..c/x..y-2026-04-01T195758-TR_AMR3SWs74Divho.ogg", key);
        assertTrue(REFLECTOR.matcher(key).matches());
    }
}
