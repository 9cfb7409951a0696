package org.jsfu.egress;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The {@code <egress_id>.json} manifest written next to a track egress file (livekit-protocol.md section
 * 8.2). Times are unix nanoseconds like the rest of EgressInfo.
 */
public record Manifest(
        @JsonProperty("egress_id") String egressId,
        @JsonProperty("room_id") String roomId,
        @JsonProperty("room_name") String roomName,
        @JsonProperty("started_at") long startedAt,
        @JsonProperty("ended_at") long endedAt,
        @JsonProperty("publisher_identity") String publisherIdentity,
        @JsonProperty("track_id") String trackId,
        @JsonProperty("track_kind") String trackKind,
        @JsonProperty("track_source") String trackSource,
        @JsonProperty("files") List<FileEntry> files) {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One file of the egress. */
    public record FileEntry(@JsonProperty("filename") String filename, @JsonProperty("location") String location) {}

    public Manifest {
        files = List.copyOf(files);
    }

    /** UTF-8 JSON bytes. */
    public byte[] toJson() {
        try {
            return MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Manifest fromJson(byte[] json) throws IOException {
        return MAPPER.readValue(json, Manifest.class);
    }

    /** Manifest key beside the file: same directory, {@code <egress_id>.json}. */
    public static String keyBeside(String fileKey, String egressId) {
        int slash = fileKey.lastIndexOf('/');
        return (slash < 0 ? "" : fileKey.substring(0, slash + 1)) + egressId + ".json";
    }
}
