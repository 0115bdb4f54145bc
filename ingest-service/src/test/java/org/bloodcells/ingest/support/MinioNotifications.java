package org.bloodcells.ingest.support;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The record MinIO's Kafka target writes for a put (S3 event message format 2.0, as MinIO sends it: the object key
 * URL-encoded, the record's own key {@code bucket/key}); the local S3 server sends none, so tests write it themselves.
 */
public final class MinioNotifications {

    private MinioNotifications() {
    }

    public static String put(String bucket, String key, long size) {
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
        String time = Instant.now().toString();
        return """
                {"EventName":"s3:ObjectCreated:Put","Key":"%1$s/%2$s","Records":[{"eventVersion":"2.0",\
                "eventSource":"minio:s3","awsRegion":"","eventTime":"%4$s","eventName":"s3:ObjectCreated:Put",\
                "userIdentity":{"principalId":"scanner-uploads"},"requestParameters":{"principalId":"scanner-uploads",\
                "region":"","sourceIPAddress":"10.0.0.7"},"responseElements":{"x-amz-id-2":"dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8",\
                "x-amz-request-id":"17C5B3F6E1A0A4D2","x-minio-deployment-id":"3b0f3e7c-1c1a-4c4b-9f3e-3d5c6f0c2a11",\
                "x-minio-origin-endpoint":"http://10.0.0.5:9000"},"s3":{"s3SchemaVersion":"1.0",\
                "configurationId":"Config","bucket":{"name":"%1$s","ownerIdentity":{"principalId":"minioadmin"},\
                "arn":"arn:aws:s3:::%1$s"},"object":{"key":"%2$s","size":%3$d,\
                "eTag":"0b5a0a5e0e4a7d2f3c1b9e8d7c6b5a49","contentType":"image/jpeg",\
                "userMetadata":{"content-type":"image/jpeg"},"sequencer":"17C5B3F6E1C3B1E0"}},\
                "source":{"host":"10.0.0.7","port":"","userAgent":"MinIO (linux; amd64) minio-go/v7.0.70"}}]}"""
                .formatted(bucket, encoded, size, time);
    }
}
