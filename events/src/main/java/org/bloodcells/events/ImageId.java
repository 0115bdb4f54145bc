package org.bloodcells.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image's id: the lower-case hex SHA-256 of its bytes, so the same bytes get the same id whoever uploads them,
 * and every event about an image can be checked against the bytes it names.
 */
public final class ImageId {

    private static final Pattern WELL_FORMED = Pattern.compile("[0-9a-f]{64}");

    private ImageId() {
    }

    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /** The id of a file's bytes, read from disk in one pass (the file is never held in memory). */
    public static String of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha256 = sha256();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha256.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha256.digest());
        }
    }

    /** Bytes read whole, and their id. */
    public record Identified(byte[] bytes, String id) {
    }

    /**
     * Reads a stream to its end and hashes the bytes as they arrive, rather than in a second pass over them: a reader
     * that must check what it read against an id gets both at once.
     */
    public static Identified readAll(InputStream in) throws IOException {
        MessageDigest sha256 = sha256();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            sha256.update(buffer, 0, n);
            bytes.write(buffer, 0, n);
        }
        return new Identified(bytes.toByteArray(), HexFormat.of().formatHex(sha256.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** @return whether {@code value} has the form of an image id (64 lower-case hex digits) */
    public static boolean isWellFormed(String value) {
        return value != null && WELL_FORMED.matcher(value).matches();
    }

    /**
     * The rule for any SHA-256 an event carries (an image's id, a model file's checksum).
     *
     * @return what is wrong with {@code value} as the SHA-256 called {@code field}; empty when it is one
     */
    public static Optional<String> problem(String field, String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(field + " is required");
        }
        return isWellFormed(value) ? Optional.empty()
                : Optional.of(field + " must be a SHA-256 in 64 lower-case hex digits, was '"
                        + FileNameRule.printable(value) + "'");
    }
}
