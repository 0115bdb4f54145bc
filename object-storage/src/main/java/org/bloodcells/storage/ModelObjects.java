package org.bloodcells.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.bloodcells.events.ModelRef;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;

/**
 * The model registry's files in object storage, one folder per version: {@code <name>/<version>/model.onnx} beside
 * its card and metrics. The trainer stores them; a worker fetches a version and refuses a file whose SHA-256 is not
 * the registry's.
 */
public final class ModelObjects {

    public static final String MODEL_FILE = "model.onnx";

    private final MinioClient minio;
    private final String bucket;

    public ModelObjects(MinioClient minio, StorageConfig config) {
        this(minio, config.modelsBucket());
    }

    public ModelObjects(MinioClient minio, String bucket) {
        this.minio = minio;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    /** Where a version's files go: {@code <name>/<version>/<file>}. */
    public static String key(String name, String version, String file) {
        return name + "/" + version + "/" + file;
    }

    /** Creates the bucket where it does not exist yet. */
    public void ensureBucket() {
        try {
            if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (ErrorResponseException e) {
            if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                throw unavailable("create bucket " + bucket, e);
            }
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw unavailable("create bucket " + bucket, e);
        }
    }

    /** Stores one file of a version; returns its key. */
    public String put(String name, String version, String fileName, Path file, String contentType) {
        String key = key(name, version, fileName);
        try {
            minio.uploadObject(UploadObjectArgs.builder().bucket(bucket).object(key).filename(file.toString())
                    .contentType(contentType).build());
            return key;
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw unavailable("store " + key, e);
        }
    }

    /**
     * Downloads a version's file to {@code target}, checking its SHA-256 against the registry's on the way.
     *
     * @throws ModelFileMismatchException when the bytes are not the registered file's
     * @throws StorageUnavailableException when the store cannot be read
     */
    public void fetch(ModelRef model, Path target) {
        refuseOutsideLayout(model);
        download(model, target);
    }

    private void download(ModelRef model, Path target) {
        Path partial = null;
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            // a name of its own: another process sharing the folder may be fetching the same version
            partial = Files.createTempFile(target.toAbsolutePath().getParent(), target.getFileName().toString(), ".partial");
            String actual;
            try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(model.bucket()).object(model.objectKey())
                    .build()); DigestInputStream digesting = new DigestInputStream(in, sha256());
                    OutputStream out = Files.newOutputStream(partial)) {
                digesting.transferTo(out);
                actual = HexFormat.of().formatHex(digesting.getMessageDigest().digest());
            }
            if (!actual.equalsIgnoreCase(model.sha256())) {
                Files.deleteIfExists(partial);
                throw new ModelFileMismatchException(model.bucket() + "/" + model.objectKey() + " has SHA-256 " + actual
                        + ", the registry's " + model.name() + " " + model.version() + " has " + model.sha256());
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw unavailable("read " + model.bucket() + "/" + model.objectKey(), e);
        } finally {
            if (partial != null) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException e) {
                    // a leftover partial file is harmless: the next fetch writes a new one
                }
            }
        }
    }

    /**
     * The version's file in {@code cacheDir} ({@code <name>/<version>/<sha256>.onnx}), fetched and checked by
     * {@link #fetch} when missing. A cached file is hashed again before it is returned: the cache is a folder on a
     * node, and a file changed there since it was written is fetched again rather than run.
     *
     * @throws ModelRefRefusedException when the reference is not this registry's layout for its version, before any
     *                                  path is built from it
     */
    public Path fetchCached(ModelRef model, Path cacheDir) {
        refuseOutsideLayout(model);
        Path file = cacheDir.resolve(model.name()).resolve(model.version()).resolve(model.sha256() + ".onnx");
        try {
            if (Files.exists(file) && sha256(file).equalsIgnoreCase(model.sha256())) {
                return file;
            }
        } catch (IOException e) {
            throw unavailable("read the cached " + file.getFileName(), e);
        }
        download(model, file);
        return file;
    }

    /**
     * Refuses a reference that is not this registry's: a name or version outside the registry's pattern (they become
     * folders of the cache), another bucket, or a key other than {@code <name>/<version>/model.onnx}. A promotion
     * written to Kafka by someone else can then name only a registered version's place, whose bytes are checked.
     */
    private void refuseOutsideLayout(ModelRef model) {
        model.problem().ifPresent(problem -> {
            throw new ModelRefRefusedException(problem);
        });
        if (!bucket.equals(model.bucket())) {
            throw new ModelRefRefusedException("model bucket must be the registry's '" + bucket + "', was '"
                    + model.bucket() + "'");
        }
        String expected = key(model.name(), model.version(), MODEL_FILE);
        if (!expected.equals(model.objectKey())) {
            throw new ModelRefRefusedException("model objectKey must be the registry's '" + expected + "' for "
                    + model.name() + " " + model.version());
        }
    }

    /** SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256())) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        }
    }

    /**
     * Copies {@code source} to {@code target} and returns the SHA-256 of the bytes copied, in one read: what is checked
     * is what the copy holds, whatever happens to {@code source} meanwhile (a rename over it, say).
     */
    public static String copyHashing(Path source, Path target) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(source), sha256())) {
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static StorageUnavailableException unavailable(String what, Exception e) {
        return new StorageUnavailableException("cannot " + what + ": " + e.getClass().getSimpleName() + ": "
                + e.getMessage(), e);
    }

    /** A reference that does not name a place of this registry's layout; nothing was read or written for it. */
    public static final class ModelRefRefusedException extends RuntimeException {
        public ModelRefRefusedException(String message) {
            super(message);
        }
    }

    /** The bytes in the store are not the file the registry evaluated. */
    public static final class ModelFileMismatchException extends RuntimeException {
        public ModelFileMismatchException(String message) {
            super(message);
        }
    }
}
