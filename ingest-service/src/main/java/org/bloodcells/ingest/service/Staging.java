package org.bloodcells.ingest.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.bloodcells.events.ImageId;
import org.bloodcells.images.UnusableImageException.Reason;

/**
 * Puts an upload's bytes on local disk and takes their SHA-256 in the same pass, refusing a file the moment it
 * passes the size limit (the rest is never read). Memory holds one buffer per upload, whatever the file's size.
 * Plain class: tested without a container.
 */
public class Staging {

    private static final int BUFFER = 64 * 1024;

    private final Path directory;
    private final long maxBytes;

    public Staging(Path directory, long maxBytes) {
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    /**
     * Copies the stream to a new file under the staging directory; the caller deletes it ({@link #delete}).
     *
     * @throws ImageRejected TOO_LARGE as soon as more than the limit has arrived, NOT_AN_IMAGE when nothing did
     */
    public StagedFile stage(String fileName, InputStream in) {
        Path file = null;
        try {
            Files.createDirectories(directory);
            file = Files.createTempFile(directory, "upload-", ".part");
            MessageDigest sha256 = sha256();
            long size = 0;
            byte[] buffer = new byte[BUFFER];
            try (OutputStream out = Files.newOutputStream(file)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    size += n;
                    if (size > maxBytes) {
                        throw tooLarge(fileName);
                    }
                    sha256.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            return new StagedFile(fileName, file, size, HexFormat.of().formatHex(sha256.digest()));
        } catch (IOException | RuntimeException e) {
            delete(file);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot stage an upload: " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * A file already on local disk (a multipart part the HTTP layer wrote there): its size is checked before a byte
     * is read, then it is digested in one pass. The file stays where it is and its owner deletes it.
     */
    public StagedFile adopt(String fileName, Path file) {
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw tooLarge(fileName);
            }
            return new StagedFile(fileName, file, size, ImageId.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read an uploaded part: " + e.getMessage(), e);
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Deletes staged files a stopped process left behind (older than {@code age}: a running upload's file is younger).
     *
     * @return how many were deleted
     */
    public int purge(java.time.Duration age) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        java.time.Instant before = java.time.Instant.now().minus(age);
        int deleted = 0;
        try (var files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("upload-")).toList()) {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(before)) {
                    delete(file);
                    deleted++;
                }
            }
        } catch (IOException e) {
            // Left for the next start; the uploads do not depend on it.
        }
        return deleted;
    }

    /** Removes a staged file; a file already gone is fine. */
    public static void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // The temporary directory's clean-up takes it later; the upload's outcome does not depend on it.
        }
    }

    private ImageRejected tooLarge(String fileName) {
        return new ImageRejected(fileName, Reason.TOO_LARGE,
                "more than %d bytes exceed the limit of %d bytes".formatted(maxBytes, maxBytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
