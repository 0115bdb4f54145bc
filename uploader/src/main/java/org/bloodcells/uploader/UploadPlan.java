package org.bloodcells.uploader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.bloodcells.events.OriginIds;

/**
 * Which files of a folder go to which slide: with {@code --slide}, every image file below the folder; without, each
 * sub-folder is a slide named after it (its image files, any depth below), and image files directly in the folder are
 * refused (they belong to no slide). Image files are recognised by their extension; hidden files and the manifest are
 * left out. Files are in a stable order (by path).
 */
public record UploadPlan(Path root, List<PlannedFile> files, List<Path> ignored) {

    /** File name extensions the platform accepts (JPEG, PNG, BMP, TIFF). */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "tif", "tiff");

    /** One file to send: where it is, its path relative to the folder (shown to people), its slide and size. */
    public record PlannedFile(Path path, String relative, String slide, long size) {
    }

    /** A folder that cannot be uploaded as asked; the message says why and what to do. */
    public static class PlanException extends RuntimeException {
        public PlanException(String message) {
            super(message);
        }
    }

    /** @param slide every file's slide, or null to take slides from the sub-folders */
    public static UploadPlan of(Path root, String slide, Path manifest) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new PlanException(root + " is not a folder");
        }
        if (slide != null) {
            OriginIds.problem("--slide", slide).ifPresent(problem -> {
                throw new PlanException(problem);
            });
        }
        List<PlannedFile> files = new ArrayList<>();
        List<Path> ignored = new ArrayList<>();
        List<Path> unassigned = new ArrayList<>();
        Path normalisedManifest = manifest.toAbsolutePath().normalize();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.filter(Files::isRegularFile).sorted().toList()) {
                Path relative = root.relativize(path);
                if (path.toAbsolutePath().normalize().equals(normalisedManifest) || hidden(relative)) {
                    continue;
                }
                if (!isImageName(path.getFileName().toString())) {
                    ignored.add(relative);
                    continue;
                }
                String fileSlide = slide;
                if (fileSlide == null) {
                    if (relative.getNameCount() < 2) {
                        unassigned.add(relative);
                        continue;
                    }
                    fileSlide = relative.getName(0).toString();
                    String name = fileSlide;
                    OriginIds.problem("slide folder '" + name + "'", name).ifPresent(problem -> {
                        throw new PlanException(problem + "; rename the folder or give --slide");
                    });
                }
                files.add(new PlannedFile(path, relative.toString().replace('\\', '/'), fileSlide, Files.size(path)));
            }
        }
        if (!unassigned.isEmpty()) {
            throw new PlanException(unassigned.size() + " image file(s) lie directly in " + root + " (e.g. "
                    + unassigned.get(0) + "): put each slide's images in a sub-folder named after the slide, or give"
                    + " --slide for all of them");
        }
        files.sort(Comparator.comparing(PlannedFile::relative));
        return new UploadPlan(root, List.copyOf(files), List.copyOf(ignored));
    }

    public long totalBytes() {
        return files.stream().mapToLong(PlannedFile::size).sum();
    }

    /** Files per slide, by slide id. */
    public Map<String, Long> filesPerSlide() {
        Map<String, Long> perSlide = new TreeMap<>();
        files.forEach(f -> perSlide.merge(f.slide(), 1L, Long::sum));
        return perSlide;
    }

    static boolean isImageName(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
