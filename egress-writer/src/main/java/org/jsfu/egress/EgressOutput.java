package org.jsfu.egress;

import org.jsfu.core.room.RoomEgress;

/**
 * Where a track egress writes: a filepath template (DirectFileOutput.filepath / AutoTrackEgress.filepath),
 * whether to skip the {@code <egress_id>.json} manifest, and an S3 target (null: the local folder).
 */
public record EgressOutput(String filepath, boolean disableManifest, RoomEgress.S3Target s3) {
    public EgressOutput {
        filepath = filepath == null ? "" : filepath;
    }
}
