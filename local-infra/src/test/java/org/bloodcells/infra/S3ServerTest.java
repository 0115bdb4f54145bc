package org.bloodcells.infra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class S3ServerTest {

    static S3Server s3;
    static MinioClient minio;

    @BeforeAll
    static void startS3() {
        s3 = SharedServers.get().s3();
        minio = MinioClient.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey()).build();
    }

    @Test
    void anObjectPutWithTheMinioClientIsReadBackByteForByteAndListed() throws Exception {
        byte[] image = new byte[300_000];
        new Random(42).nextBytes(image);
        minio.makeBucket(MakeBucketArgs.builder().bucket("images").build());

        minio.putObject(PutObjectArgs.builder().bucket("images").object("slides/S-1/0001.jpg")
                .stream(new ByteArrayInputStream(image), image.length, -1).contentType("image/jpeg").build());

        try (InputStream read = minio.getObject(GetObjectArgs.builder().bucket("images").object("slides/S-1/0001.jpg").build())) {
            assertArrayEquals(image, read.readAllBytes());
        }
        List<String> listed = new ArrayList<>();
        for (Result<Item> item : minio.listObjects(ListObjectsArgs.builder().bucket("images").recursive(true).build())) {
            listed.add(item.get().objectName());
        }
        assertEquals(List.of("slides/S-1/0001.jpg"), listed);
    }

    @Test
    void requestsSignedWithAnotherSecretAreRefused() {
        MinioClient intruder = MinioClient.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), "not-the-secret").build();

        assertThrows(ErrorResponseException.class,
                () -> intruder.bucketExists(BucketExistsArgs.builder().bucket("images").build()));
    }
}
