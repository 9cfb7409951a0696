package org.jsfu.egress;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import org.jsfu.core.room.RoomEgress;
import org.jsfu.egress.sink.LocalFolderSink;
import org.jsfu.egress.sink.RecordingSink;
import org.jsfu.egress.sink.S3Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EgressSinksTest {
    @TempDir
    Path dir;

    private static RoomEgress.S3Target s3(String bucket, String key) {
        return new RoomEgress.S3Target(key, "secret", "", "us-east-1", "http://127.0.0.1:9", bucket, true, null, "", "");
    }

    @Test
    void egressesWithTheSameS3ConfigurationShareOneSink() throws Exception {
        RoomEgress.S3Target configured = s3("recordings", "ak");
        EgressSinks.Factory f = EgressSinks.standard(dir.resolve("local"), configured, dir.resolve("spool"));
        RecordingSink a = f.open(new EgressOutput("a.ogg", false, null));
        RecordingSink b = f.open(new EgressOutput("b.ogg", false, null));
        assertInstanceOf(S3Sink.class, a);
        assertSame(a, b, "one S3 client for the configured storage");
        // the same keys given with the request: same configuration, credentials not stored -> same sink
        assertSame(a, f.open(new EgressOutput("c.ogg", false, s3("recordings", "ak"))));
        // other keys or bucket: another sink (credentials from the request are kept in its spool state)
        RecordingSink other = f.open(new EgressOutput("d.ogg", false, s3("recordings", "other")));
        assertNotSame(a, other);
        assertSame(other, f.open(new EgressOutput("e.ogg", false, s3("recordings", "other"))));
        assertNotSame(a, f.open(new EgressOutput("f.ogg", false, s3("other-bucket", "ak"))));
    }

    @Test
    void withoutS3EachEgressGetsTheLocalFolder() throws Exception {
        EgressSinks.Factory f = EgressSinks.standard(dir.resolve("local"), null, dir.resolve("spool"));
        assertInstanceOf(LocalFolderSink.class, f.open(new EgressOutput("a.ogg", false, null)));
    }
}
