package org.bloodcells.ingest.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.bloodcells.ingest.service.ImageInspector;
import org.bloodcells.ingest.service.InspectedImage;
import org.bloodcells.ingest.service.StagedFile;
import org.bloodcells.ingest.service.Staging;

/** Bytes staged on disk as an upload is, for tests of what comes after staging. */
public final class Staged {

    private static final Path DIRECTORY;

    static {
        try {
            DIRECTORY = Files.createTempDirectory("ingest-test-staging");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Staged() {
    }

    public static StagedFile file(String name, byte[] bytes) {
        return new Staging(DIRECTORY, Long.MAX_VALUE).stage(name, new ByteArrayInputStream(bytes));
    }

    /** Stages the bytes, inspects them, deletes the staged file. */
    public static InspectedImage inspect(ImageInspector inspector, String name, byte[] bytes) {
        StagedFile file = file(name, bytes);
        try {
            return inspector.inspect(file);
        } finally {
            Staging.delete(file.path());
        }
    }
}
