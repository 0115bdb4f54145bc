package org.bloodcells.trainer.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.bloodcells.images.VocAnnotation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A downloaded site dataset held to its manifest and to the model it would fine-tune. */
class SiteDatasetTest {

    static final List<String> CLASSES = List.of("RBC", "WBC", "Platelets");

    @TempDir
    Path dir;

    /** A site dataset as the export writes it: each split's images, platelets unlabelled, the manifest last. */
    static void write(Path dir, Map<String, List<String>> splits, String objectClass) throws IOException {
        Files.createDirectories(dir.resolve("Annotations"));
        Files.createDirectories(dir.resolve("JPEGImages"));
        Files.createDirectories(dir.resolve("ImageSets/Main"));
        for (var split : splits.entrySet()) {
            for (String id : split.getValue()) {
                Files.write(dir.resolve("JPEGImages").resolve(id + ".png"), new byte[] {1, 2, 3});
                Files.writeString(dir.resolve("Annotations").resolve(id + ".xml"), new VocAnnotation(id + ".png", 64,
                        48, 0.12, "labelled", List.of(new VocAnnotation.Box(objectClass, 1, 1, 20, 20)),
                        List.of("Platelets")).toXml());
            }
            Files.write(dir.resolve("ImageSets/Main").resolve(split.getKey() + ".txt"), split.getValue());
        }
        manifest(dir, fingerprint(dir), splits);
    }

    static void manifest(Path dir, String fingerprint, Map<String, List<String>> splits) throws IOException {
        new ObjectMapper().writeValue(dir.resolve(SiteDataset.MANIFEST).toFile(), Map.of("name", "ward-3",
                "images", splits.values().stream().mapToInt(List::size).sum(), "splits", Map.of("train",
                        splits.get("train").size(), "val", splits.get("val").size(), "test", splits.get("test").size()),
                "fingerprint", fingerprint, "classes", List.of("RBC", "WBC")));
    }

    /** The contract's fingerprint, computed here independently: sorted ids, each followed by its XML's bytes. */
    static String fingerprint(Path dir) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (var files = Files.list(dir.resolve("Annotations"))) {
                for (String file : files.map(f -> f.getFileName().toString()).sorted().toList()) {
                    digest.update(file.replace(".xml", "").getBytes(StandardCharsets.UTF_8));
                    digest.update(Files.readAllBytes(dir.resolve("Annotations").resolve(file)));
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, List<String>> splits(int train) {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < train; i++) {
            ids.add("img-" + i);
        }
        return Map.of("train", ids, "val", List.of("val-0", "val-1"), "test", List.of("test-0"));
    }

    @Test
    void aCompleteDatasetIsReadWithItsSplitsAndTheClassesItLabels() throws IOException {
        write(dir, splits(3), "WBC");

        SiteDataset site = SiteDataset.check(dir, "ward-3", CLASSES, 3);

        assertEquals(3, site.ids("train").size());
        assertEquals(List.of("val-0", "val-1"), site.ids("val"));
        assertEquals(List.of("test-0"), site.ids("test"));
        assertEquals(List.of("RBC", "WBC"), site.labelledClasses(), "platelets are <unlabelled> at the site");
        assertEquals(fingerprint(dir), site.fingerprint());
    }

    @Test
    void aFolderWithoutItsManifestIsAnExportNotFinished() throws IOException {
        write(dir, splits(3), "WBC");
        Files.delete(dir.resolve(SiteDataset.MANIFEST));

        SiteDatasetException e = assertThrows(SiteDatasetException.class,
                () -> SiteDataset.check(dir, "ward-3", CLASSES, 3));
        assertTrue(e.getMessage().contains("incomplete"), e.getMessage());
    }

    @Test
    void anAnnotationChangedAfterTheExportFailsTheFingerprint() throws IOException {
        write(dir, splits(3), "WBC");
        Files.writeString(dir.resolve("Annotations/img-1.xml"), Files.readString(dir.resolve("Annotations/img-1.xml"))
                .replace("WBC", "RBC"));

        SiteDatasetException e = assertThrows(SiteDatasetException.class,
                () -> SiteDataset.check(dir, "ward-3", CLASSES, 3));
        assertTrue(e.getMessage().contains("does not match its manifest"), e.getMessage());
    }

    @Test
    void tooFewTrainImagesAreRefusedWithTheMinimum() throws IOException {
        write(dir, splits(2), "WBC");

        SiteDatasetException e = assertThrows(SiteDatasetException.class,
                () -> SiteDataset.check(dir, "ward-3", CLASSES, 3));
        assertTrue(e.getMessage().contains("2 train images") && e.getMessage().contains("at least 3"),
                e.getMessage());
    }

    @Test
    void aClassTheModelDoesNotKnowIsRefusedByName() throws IOException {
        write(dir, splits(3), "Sickle");

        SiteDatasetException e = assertThrows(SiteDatasetException.class,
                () -> SiteDataset.check(dir, "ward-3", CLASSES, 3));
        assertTrue(e.getMessage().contains("does not know: Sickle"), e.getMessage());
    }

    @Test
    void splitCountsMustBeTheManifestsAndEveryImageMustBeThere() throws IOException {
        write(dir, splits(3), "WBC");
        Files.write(dir.resolve("ImageSets/Main/test.txt"), List.of("test-0", "img-0"));
        assertTrue(assertThrows(SiteDatasetException.class, () -> SiteDataset.check(dir, "ward-3", CLASSES, 3))
                .getMessage().contains("says 1 test images"));

        Files.write(dir.resolve("ImageSets/Main/test.txt"), List.of("test-0"));
        Files.delete(dir.resolve("JPEGImages/test-0.png"));
        assertTrue(assertThrows(SiteDatasetException.class, () -> SiteDataset.check(dir, "ward-3", CLASSES, 3))
                .getMessage().contains("test image test-0 has no file"));
    }
}
