package org.jsfu.server.testparts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class S3ProxyProcessTest {
    @Test
    void putAndGetObjectThenStop() throws Exception {
        S3ProxyProcess s3 = S3ProxyProcess.start();
        Path data = s3.dataDir();
        try {
            MinioClient client = MinioClient.builder().endpoint(s3.endpoint())
                    .credentials(s3.accessKey(), s3.secretKey()).region("us-east-1").build();
            client.makeBucket(MakeBucketArgs.builder().bucket("jsfu-test").build());
            assertTrue(client.bucketExists(BucketExistsArgs.builder().bucket("jsfu-test").build()));
            byte[] body = "OggS-ish bytes".getBytes(StandardCharsets.UTF_8);
            client.putObject(PutObjectArgs.builder().bucket("jsfu-test").object("room/a.ogg")
                    .stream(new ByteArrayInputStream(body), body.length, -1).contentType("audio/ogg").build());
            assertEquals(body.length, client.statObject(StatObjectArgs.builder().bucket("jsfu-test").object("room/a.ogg").build()).size());
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("jsfu-test").object("room/a.ogg").build())) {
                assertArrayEquals(body, in.readAllBytes());
            }

            MinioClient wrongSecret = MinioClient.builder().endpoint(s3.endpoint())
                    .credentials(s3.accessKey(), "not-the-secret").region("us-east-1").build();
            assertThrows(ErrorResponseException.class,
                    () -> wrongSecret.bucketExists(BucketExistsArgs.builder().bucket("jsfu-test").build()));
            assertEquals(403, s3.anonymousGetRootStatus(HttpClient.newHttpClient()));
        } finally {
            s3.close();
        }
        assertFalse(s3.isAlive());
        assertFalse(Files.exists(data), "temp folder deleted");
        assertEquals(-1, s3.anonymousGetRootStatus(HttpClient.newHttpClient()));
    }
}
