package org.bloodcells.ingest.support;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;

/** The images bucket on the real S3 server, seen through a MinIO client of the test's own. */
public final class TestBucket {

    private final MinioClient client;
    private final String bucket;

    public TestBucket(String endpoint, String accessKey, String secretKey, String bucket) {
        this.client = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).build();
        this.bucket = bucket;
    }

    public byte[] read(String key) throws Exception {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }

    public boolean exists(String key) throws Exception {
        try {
            client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return false;
            }
            throw e;
        }
    }

    public String contentType(String key) throws Exception {
        return client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()).contentType();
    }

    public Set<String> keys() throws Exception {
        return keys("");
    }

    /** The keys under a prefix, all levels down. */
    public Set<String> keys(String prefix) throws Exception {
        Set<String> keys = new TreeSet<>();
        for (Result<Item> item : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                .recursive(true).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    public void put(String key, byte[] bytes, String contentType) throws Exception {
        client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                .contentType(contentType)
                .build());
    }
}
