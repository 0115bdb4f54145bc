package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.bloodcells.images.BccdImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocDatasetTest {

    @Test
    void readsSplitsAnnotationsAndImageFiles() {
        VocDataset voc = VocDataset.open(BccdImages.directory());
        assertEquals(List.of("BloodImage_00000", "BloodImage_00001"), voc.imageIds("trainval").subList(0, 2));
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

    /** The project's copy holds BCCD's official split, which the model card's figures depend on. */
    @Test
    void theProjectsBccdHasItsOfficialSplit() {
        VocDataset voc = VocDataset.open(BccdImages.directory());
        List<String> train = voc.imageIds("train");
        List<String> val = voc.imageIds("val");
        List<AnnotatedImage> test = voc.split("test");
        assertEquals(205, train.size());
        assertEquals(87, val.size());
        assertEquals(72, test.size());
        Set<String> all = new HashSet<>(train);
        all.addAll(val);
        test.forEach(image -> all.add(image.id()));
        assertEquals(364, all.size(), "the splits are disjoint");
        assertEquals(Set.copyOf(voc.imageIds("trainval")), Set.copyOf(concat(train, val)));
        assertTrue(test.stream().allMatch(i -> i.width() == 640 && i.height() == 480 && Files.exists(i.file())));
        Map<String, Long> perClass = test.stream().flatMap(i -> i.boxes().stream())
                .collect(Collectors.groupingBy(GroundTruthBox::cellClass, Collectors.counting()));
        assertEquals(Map.of("RBC", 805L, "WBC", 71L, "Platelets", 69L), perClass, "the model card's GT column");
        Map<String, Long> everyBox = all.stream().flatMap(id -> voc.image(id).boxes().stream())
                .collect(Collectors.groupingBy(GroundTruthBox::cellClass, Collectors.counting()));
        assertEquals(Map.of("RBC", 4153L, "WBC", 372L, "Platelets", 361L), everyBox, "datasets/bccd/README.md");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> both = new ArrayList<>(a);
        both.addAll(b);
        return both;
    }
}
