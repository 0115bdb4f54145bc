package org.bloodcells.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Per-run scratch directories and loopback ports. */
final class WorkDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(WorkDirectory.class);

    private WorkDirectory() {
    }

    static Path defaultParent() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** A fresh directory under {@code parent}; the parent is created too, since surefire's tmpdir may not exist yet. */
    static Path createUnder(Path parent, String prefix) throws IOException {
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, prefix);
    }

    /** Writes {@code properties} to a new file only its owner may read: some hold passwords. */
    static void writeProperties(Path file, Properties properties) {
        try {
            if (!Files.exists(file) && Files.getFileStore(file.getParent()).supportsFileAttributeView("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(out, "Written by local-infra");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Best effort: a file still held open by a dying child must not hide the real outcome. */
    static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(WorkDirectory::deleteQuietly);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete " + directory + ": " + e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("Could not delete " + path + ": " + e);
        }
    }

    /**
     * A port that was free a moment ago. Servers that pick their own port are preferred; Kafka and
     * s3proxy need it in their configuration up front, so a small race remains.
     */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
