package org.bloodcells.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Where the packaged services, the released model and the demo images are in a checkout. */
public record RepositoryLayout(Path root) {

    /** From {@code -Dbloodcells.root}, else the first directory upwards holding models/CONTRACT.md. */
    public static RepositoryLayout locate() {
        String configured = System.getProperty("bloodcells.root");
        if (configured != null && !configured.isBlank()) {
            return new RepositoryLayout(Path.of(configured).toAbsolutePath().normalize());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("models/CONTRACT.md"))) {
                return new RepositoryLayout(dir);
            }
        }
        throw new IllegalStateException("Cannot find the repository root (no models/CONTRACT.md above "
                + Path.of("").toAbsolutePath() + "); set -Dbloodcells.root");
    }

    /** The runnable jar Quarkus packages for a service; fails with the command that builds it. */
    public Path serviceJar(String service) {
        Path jar = root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the services first with "
                    + "'mvn -DskipTests package' in " + root);
        }
        return jar;
    }

    /**
     * The HTTP port a service takes by itself: {@code quarkus.http.port} of its {@code application.properties}, the
     * one place the checkout spells it (the Helm chart and compose set their own).
     */
    public int servicePort(String service) {
        return Integer.parseInt(serviceProperty(service, "quarkus.http.port").trim());
    }

    /** A setting as a service's {@code application.properties} spells it; fails where the file sets none. */
    public String serviceProperty(String service, String key) {
        Path file = root.resolve(service).resolve("src/main/resources/application.properties");
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalStateException(file + " sets no " + key);
        }
        return value.trim();
    }

    public Path releasedModel() {
        return root.resolve("models/efficientdet-d0-bccd.onnx");
    }

    public Path demoImages() {
        return root.resolve("demo-images");
    }

    /** Working files of a local run (logs, server data), ignored by git. */
    public Path runDirectory() {
        return root.resolve("target/local-run");
    }
}
