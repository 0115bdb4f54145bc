package org.bloodcells.uploader;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The files ingest-service has acknowledged, one JSON line each, appended (and flushed) the moment the answer comes:
 * a run that stops (killed, network gone) leaves every acknowledged file recorded, and a run again skips them. A file
 * counts as sent when its SHA-256 was acknowledged for the same scanner, batch and slide; the same bytes for another
 * batch or slide are sent (they become a member there too). A torn last line (the process died mid-write) is ignored.
 */
public final class Manifest implements AutoCloseable {

    /** Its default name, in the uploaded folder. */
    public static final String DEFAULT_NAME = ".bloodcells-upload.jsonl";

    /** One acknowledged file. */
    public record Entry(String sha256, String scanner, String batch, String slide, String file, String imageId,
            boolean created, Instant acknowledgedAt) {

        String key() {
            return key(sha256, scanner, batch, slide);
        }

        static String key(String sha256, String scanner, String batch, String slide) {
            return sha256 + "|" + scanner + "|" + batch + "|" + slide;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final Path path;
    private final Set<String> acknowledged = new HashSet<>();
    private BufferedWriter out;

    private Manifest(Path path) {
        this.path = path;
    }

    /** Reads what an earlier run recorded (nothing when the file does not exist yet). */
    public static Manifest open(Path path) throws IOException {
        Manifest manifest = new Manifest(path);
        if (Files.exists(path)) {
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    manifest.acknowledged.add(JSON.readValue(line, Entry.class).key());
                } catch (JsonProcessingException e) {
                    // a line torn by a crash mid-write: that file is simply sent again
                }
            }
        }
        return manifest;
    }

    public Path path() {
        return path;
    }

    public synchronized boolean contains(String sha256, String scanner, String batch, String slide) {
        return acknowledged.contains(Entry.key(sha256, scanner, batch, slide));
    }

    public synchronized int size() {
        return acknowledged.size();
    }

    /** Appends the entry and flushes it to the file before returning. */
    public synchronized void record(Entry entry) {
        try {
            if (out == null) {
                out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            out.write(JSON.writeValueAsString(entry));
            out.write('\n');
            out.flush();
            acknowledged.add(entry.key());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifest " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
