package org.bloodcells.ingest.bucket;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A bucket notification as MinIO's Kafka target writes it (the S3 event message format, version 2.x): the parts
 * ingest reads. MinIO writes {@code {"EventName": ..., "Key": "bucket/key", "Records": [...]}}; each record's object
 * key is URL-encoded.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record S3EventNotification(@JsonProperty("Records") List<Record> records) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Record(String eventName, S3 s3) {

        /** An object was written (Put, Post, Copy or a completed multipart upload). */
        public boolean created() {
            return eventName != null && eventName.startsWith("s3:ObjectCreated:");
        }

        public String bucket() {
            return s3 == null || s3.bucket() == null ? null : s3.bucket().name();
        }

        /** The object's key, decoded. */
        public String key() {
            if (s3 == null || s3.object() == null || s3.object().key() == null) {
                return null;
            }
            return URLDecoder.decode(s3.object().key(), StandardCharsets.UTF_8);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record S3(Bucket bucket, S3Object object) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Bucket(String name) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record S3Object(String key, Long size) {
    }
}
