package org.bloodcells.detection.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocDatasetTest {

    /** The three BCCD test images bundled with the tests, laid out as a VOC directory. */
    static Path bundledBccd() {
        try {
            return Path.of(VocDatasetTest.class.getResource("/bccd/ImageSets/Main/test.txt").toURI())
                    .getParent().getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsSplitsAnnotationsAndImageFiles() {
        VocDataset voc = VocDataset.open(bundledBccd());
        assertEquals(List.of("BloodImage_00031", "BloodImage_00065", "BloodImage_00068"), voc.imageIds("test"));
        AnnotatedImage image = voc.image("BloodImage_00065");
        assertEquals(640, image.width());
        assertEquals(480, image.height());
        assertTrue(Files.isRegularFile(image.file()));
        Map<String, Long> perClass = image.boxes().stream()
                .collect(Collectors.groupingBy(GroundTruthBox::cellClass, Collectors.counting()));
        assertEquals(Map.of("RBC", 5L, "WBC", 2L, "Platelets", 1L), perClass);
    }

    @Test
    void keepsAnnotationCoordinatesAndDropsBoxesWithoutArea(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("Annotations"));
        Files.createDirectories(dir.resolve("JPEGImages"));
        Files.createDirectories(dir.resolve("ImageSets/Main"));
        Files.writeString(dir.resolve("ImageSets/Main/val.txt"), "a\n\nb\n");
        Files.writeString(dir.resolve("Annotations/a.xml"), """
                <annotation><filename>a.jpg</filename><size><width>64</width><height>48</height><depth>3</depth></size>
                  <object><name> RBC </name><difficult>0</difficult>
                    <bndbox><xmin>1</xmin><ymin>2</ymin><xmax>30</xmax><ymax>40</ymax></bndbox></object>
                  <object><name>WBC</name><bndbox><xmin>5</xmin><ymin>5</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object>
                </annotation>
                """);
        VocDataset voc = VocDataset.open(dir);
        assertEquals(List.of("a", "b"), voc.imageIds("val"));
        AnnotatedImage a = voc.image("a");
        assertEquals(List.of(new GroundTruthBox("RBC", 1, 2, 30, 40)), a.boxes());
        assertEquals(29 * 38, a.boxes().get(0).area());
        assertThrows(IllegalArgumentException.class, () -> voc.imageIds("test"));
        assertThrows(IllegalArgumentException.class, () -> VocDataset.open(dir.resolve("Annotations")));
    }

    /** The full dataset, where the build provides it ({@code -Dbccd.dir}). */
    @Test
    void fullBccdHasItsOfficialSplit() {
        String dir = System.getProperty("bccd.dir");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir)), "bccd.dir not set or missing");
        VocDataset voc = VocDataset.open(Path.of(dir));
        assertEquals(205, voc.imageIds("train").size());
        assertEquals(87, voc.imageIds("val").size());
        List<AnnotatedImage> test = voc.split("test");
        assertEquals(72, test.size());
        assertTrue(test.stream().allMatch(i -> i.width() == 640 && i.height() == 480 && Files.exists(i.file())));
        Map<String, Long> perClass = test.stream().flatMap(i -> i.boxes().stream())
                .collect(Collectors.groupingBy(GroundTruthBox::cellClass, Collectors.counting()));
        assertEquals(List.of("Platelets", "RBC", "WBC"), perClass.keySet().stream().sorted().toList());
    }
}
