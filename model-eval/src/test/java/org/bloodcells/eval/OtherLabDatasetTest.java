package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The other lab's crops read as its README describes them (the copy in {@code datasets/draaslan-bcd}). */
class OtherLabDatasetTest {

    static final Path DIR = Path.of("../datasets/draaslan-bcd");

    @Test
    void readsAHundredCropsWithTheirRedAndWhiteCellsOnceEach() {
        List<AnnotatedImage> images = OtherLabDataset.read(DIR);
        assertEquals(100, images.size());
        assertEquals(2236, images.stream().mapToLong(i -> i.boxes().stream()
                .filter(b -> b.cellClass().equals("RBC")).count()).sum());
        assertEquals(103, images.stream().mapToLong(i -> i.boxes().stream()
                .filter(b -> b.cellClass().equals("WBC")).count()).sum());
        assertTrue(images.stream().allMatch(i -> i.width() == 256 && i.height() == 256));
        assertTrue(images.stream().flatMap(i -> i.boxes().stream())
                .allMatch(b -> b.x1() >= 0 && b.x2() <= 256 && b.x2() > b.x1() && b.y2() > b.y1()));
    }

    @Test
    void aFolderWithoutTheAnnotationsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> OtherLabDataset.read(Path.of("../datasets/bccd")));
    }
}
