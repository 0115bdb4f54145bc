package org.bloodcells.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Finds the jars that this module's build put into the local Maven repository (the Kafka server
 * and the s3proxy fat jar), which run in child JVMs.
 *
 * <p>The build records paths relative to the repository, not the caller's classpath: inside a
 * surefire fork (manifest-only jar) or a Quarkus test class loader, {@code java.class.path} does
 * not list them, and they must not be on the caller's classpath anyway.
 */
final class LocalRepository {

    /** Prefix that maven-dependency-plugin's build-classpath writes instead of the repository path. */
    private static final String ROOT_PLACEHOLDER = "M2_REPO/";
    private static final Properties BUILD = buildProperties();

    private LocalRepository() {
    }

    /** Relative paths listed in a classpath file written by the build. */
    static List<String> classpathResource(String resource) {
        String text = readResource(resource);
        List<String> paths = new ArrayList<>();
        for (String entry : text.split(":")) {
            String trimmed = entry.strip();
            if (!trimmed.isEmpty()) {
                paths.add(trimmed.startsWith(ROOT_PLACEHOLDER) ? trimmed.substring(ROOT_PLACEHOLDER.length()) : trimmed);
            }
        }
        return paths;
    }

    static String buildProperty(String key) {
        String value = BUILD.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("local-infra.properties has no " + key + "; was the module built with Maven?");
        }
        return value;
    }

    /** The files, all from the first candidate repository that holds every one of them. */
    static List<Path> resolve(List<String> relativePaths) {
        Set<Path> roots = candidateRoots();
        String missing = relativePaths.isEmpty() ? "" : relativePaths.get(0);
        for (Path root : roots) {
            List<Path> files = relativePaths.stream().map(root::resolve).toList();
            List<Path> absent = files.stream().filter(f -> !Files.isRegularFile(f)).toList();
            if (absent.isEmpty()) {
                return files;
            }
            missing = root.relativize(absent.get(0)).toString();
        }
        throw new IllegalStateException("Cannot find " + missing + " in the local Maven repositories " + roots
                + ". Build local-infra with Maven (mvn -pl local-infra install), which downloads it,"
                + " or pass -Dmaven.repo.local=<the repository that has it>.");
    }

    /** The explicit setting first, then where the build ran, then Maven's default. */
    private static Set<Path> candidateRoots() {
        Set<Path> roots = new LinkedHashSet<>();
        String explicit = System.getProperty("maven.repo.local");
        if (explicit != null && !explicit.isBlank()) {
            roots.add(Path.of(explicit).toAbsolutePath());
        }
        String atBuild = BUILD.getProperty("build.local-repository");
        if (atBuild != null && !atBuild.isBlank() && !atBuild.startsWith("${")) {
            roots.add(Path.of(atBuild).toAbsolutePath());
        }
        roots.add(Path.of(System.getProperty("user.home"), ".m2", "repository"));
        return roots;
    }

    private static Properties buildProperties() {
        Properties properties = new Properties();
        try (InputStream in = LocalRepository.class.getResourceAsStream("local-infra.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static String readResource(String resource) {
        try (InputStream in = LocalRepository.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from local-infra's jar; build it with Maven"
                        + " (maven-dependency-plugin writes it)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
