package org.jsfu.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestTest {
    @Test
    void writesLiveKitKeys() throws Exception {
        Manifest m = new Manifest("EG_abc", "RM_1", "standup", 1_700_000_000_000_000_000L, 1_700_000_100_000_000_000L,
                "juan", "TR_x", "audio", "microphone",
                List.of(new Manifest.FileEntry("livekit/standup/juan-2026-04-01T195758-TR_x.ogg", "https://b.s3/livekit/x.ogg")));
        JsonNode n = new ObjectMapper().readTree(m.toJson());
        assertEquals("EG_abc", n.get("egress_id").asText());
        assertEquals("RM_1", n.get("room_id").asText());
        assertEquals("standup", n.get("room_name").asText());
        assertEquals(1_700_000_000_000_000_000L, n.get("started_at").asLong());
        assertEquals(1_700_000_100_000_000_000L, n.get("ended_at").asLong());
        assertEquals("juan", n.get("publisher_identity").asText());
        assertEquals("TR_x", n.get("track_id").asText());
        assertEquals("audio", n.get("track_kind").asText());
        assertEquals("microphone", n.get("track_source").asText());
        assertEquals("livekit/standup/juan-2026-04-01T195758-TR_x.ogg", n.get("files").get(0).get("filename").asText());
        assertEquals(10, n.size());
        assertEquals(m, Manifest.fromJson(m.toJson()));
        assertEquals("livekit/standup/EG_abc.json", Manifest.keyBeside("livekit/standup/juan.ogg", "EG_abc"));
        assertEquals("EG_abc.json", Manifest.keyBeside("juan.ogg", "EG_abc"));
    }
}
