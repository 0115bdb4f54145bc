package org.bloodcells.ingest.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bloodcells.storage.LogRedaction;
import org.bloodcells.storage.StorageConfig;
import org.bloodcells.storage.StorageUnavailableException;
import org.jboss.logging.Logger;

import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import io.quarkus.runtime.StartupEvent;

/** The images bucket, through the MinIO client (any S3 API server). */
@ApplicationScoped
public class ImageStore {

    private static final Logger LOG = Logger.getLogger(ImageStore.class);

    private final MinioClient client;
    private final String bucket;
    private volatile boolean bucketReady;

    public ImageStore(MinioClient client, StorageConfig config) {
        this.client = client;
        this.bucket = config.bucket();
    }

    void createBucketAtStartup(@Observes StartupEvent startup) {
        try {
            ensureBucket();
        } catch (StorageUnavailableException e) {
            // Not fatal: the first upload tries again, and readiness reports the store as down meanwhile.
            LOG.warnf("Bucket %s not ready at start-up: %s", bucket, e.getMessage());
        }
    }

    public String bucket() {
        return bucket;
    }

    /** Creates the bucket when missing; cheap once it has succeeded. */
    public void ensureBucket() {
        if (bucketReady) {
            return;
        }
        call("create bucket " + bucket, () -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                    LOG.infof("Created bucket %s", bucket);
                } catch (ErrorResponseException e) {
                    // Another replica won the race.
                    if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                        throw e;
                    }
                }
            }
            return null;
        });
        bucketReady = true;
    }

    public boolean exists(String key) {
        return version(key).isPresent();
    }

    /** Writes the object; writing the same key again with the same bytes is harmless (content addressing). */
    public void put(String key, byte[] bytes, String contentType) {
        ensureBucket();
        call("store " + key, () -> client.putObject(PutObjectArgs.builder()
                .bucket(bucket)
                .object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                .contentType(contentType)
                .build()), key);
    }

    /** Writes a staged file as the object, streaming it from disk. */
    public void put(String key, Path file, long size, String contentType) {
        ensureBucket();
        call("store " + key, () -> {
            try (InputStream in = Files.newInputStream(file)) {
                return client.putObject(PutObjectArgs.builder()
                        .bucket(bucket)
                        .object(key)
                        .stream(in, size, -1)
                        .contentType(contentType)
                        .build());
            }
        }, key);
    }

    /** An object's version (its ETag, unquoted) and size. */
    public record Version(String etag, long size) {
    }

    /** The object's current version; empty when there is none. */
    public java.util.Optional<Version> version(String key) {
        return call("look up " + key, () -> {
            try {
                var stat = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
                return java.util.Optional.of(new Version(unquoted(stat.etag()), stat.size()));
            } catch (ErrorResponseException e) {
                if ("NoSuchKey".equals(e.errorResponse().code())) {
                    return java.util.Optional.empty();
                }
                throw e;
            }
        }, key);
    }

    /**
     * Copies that version of the object, made by the object store itself (no bytes pass through this service).
     *
     * @return false when the object is gone or was overwritten since (nothing copied)
     */
    public boolean copy(String fromKey, String etag, String toKey) {
        return call("copy " + fromKey + " to " + toKey, () -> {
            try {
                client.copyObject(CopyObjectArgs.builder()
                        .bucket(bucket)
                        .object(toKey)
                        .source(CopySource.builder().bucket(bucket).object(fromKey).matchETag(etag).build())
                        .build());
                return true;
            } catch (ErrorResponseException e) {
                if (GONE_OR_CHANGED.contains(e.errorResponse().code())) {
                    return false;
                }
                throw e;
            }
        }, fromKey, toKey);
    }

    /** Removes the object if it is still that version: a newer one put meanwhile stays for its own notification. */
    public void removeIfUnchanged(String key, String etag) {
        if (version(key).map(v -> v.etag().equals(etag)).orElse(false)) {
            call("remove " + key, () -> {
                client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
                return null;
            }, key);
        }
    }

    /**
     * Streams that version of the object to the reader (ingest stages it: a local file and its digest, within the
     * size limit).
     *
     * @return what the reader made of the bytes; empty when the object is gone or was overwritten since
     */
    public <T> java.util.Optional<T> read(String key, String etag, StreamReader<T> reader) {
        return call("read " + key, () -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).matchETag(etag)
                    .build())) {
                return java.util.Optional.of(reader.read(in));
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();   // the store's stream broke off: storage failed, not the upload
            } catch (ErrorResponseException e) {
                if (GONE_OR_CHANGED.contains(e.errorResponse().code())) {
                    return java.util.Optional.empty();
                }
                throw e;
            }
        }, key);
    }

    /** S3's answers for an object that is not there, or not the version asked for. */
    private static final java.util.Set<String> GONE_OR_CHANGED = java.util.Set.of("NoSuchKey", "PreconditionFailed");

    private static String unquoted(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }

    /** What is done with an object's bytes as they stream in. */
    @FunctionalInterface
    public interface StreamReader<T> {
        T read(InputStream in) throws IOException;
    }

    /** An object's key, size and when it was last written. */
    public record StoredObject(String key, long size, Instant lastModified) {
    }

    /** The objects under a prefix, all levels down (at most {@code most}). */
    public List<StoredObject> list(String prefix, int most) {
        ensureBucket();
        return call("list " + prefix, () -> {
            List<StoredObject> objects = new ArrayList<>();
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                    .recursive(true).build())) {
                Item item = result.get();
                if (!item.isDir()) {
                    objects.add(new StoredObject(item.objectName(), item.size(),
                            item.lastModified() == null ? Instant.EPOCH : item.lastModified().toInstant()));
                }
                if (objects.size() >= most) {
                    break;
                }
            }
            return objects;
        });
    }

    private interface StorageCall<T> {
        T run() throws MinioException, IOException, GeneralSecurityException;
    }

    /**
     * Runs a storage call; its failure's message is logged and answered, so the keys it names (a bucket upload's
     * holds the scanner's file name) are redacted from it.
     */
    private static <T> T call(String what, StorageCall<T> action, String... keys) {
        try {
            return action.run();
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw new StorageUnavailableException("object storage failed to "
                    + LogRedaction.message(what + ": " + e.getMessage(), keys), e);
        }
    }
}
