package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The other lab's crops split once into 50 site corrections and 50 held back, the same for every reader. */
class SiteSplitTest {

    private static final Path SPLIT = OtherLabDatasetTest.DIR.resolve("split");

    @Test
    void halvesTheCropsIntoFiftyCorrectionsAndFiftyHeldBackWithNoCropInBoth() {
        List<AnnotatedImage> images = OtherLabDataset.read(OtherLabDatasetTest.DIR);
        SiteSplit split = SiteSplit.of(images);

        assertEquals(50, split.corrections().size());
        assertEquals(50, split.heldBack().size());
        Set<String> corrections = new HashSet<>(names(split.corrections()));
        assertTrue(names(split.heldBack()).stream().noneMatch(corrections::contains), "a crop in both halves");
        assertEquals(100, corrections.size() + split.heldBack().size());
    }

    @Test
    void dependsOnTheNamesAloneNotOnTheOrderTheyAreRead() {
        List<AnnotatedImage> images = new ArrayList<>(OtherLabDataset.read(OtherLabDatasetTest.DIR));
        SiteSplit read = SiteSplit.of(images);
        Collections.shuffle(images, new Random(7));
        assertEquals(names(read.heldBack()), names(SiteSplit.of(images).heldBack()));
    }

    @Test
    void theListsInTheDatasetAreTheSplit() throws Exception {
        SiteSplit split = SiteSplit.of(OtherLabDataset.read(OtherLabDatasetTest.DIR));
        assertEquals(names(split.corrections()), Files.readAllLines(SPLIT.resolve("site-corrections.txt")));
        assertEquals(names(split.heldBack()), Files.readAllLines(SPLIT.resolve("held-back.txt")));
    }

    private static List<String> names(List<AnnotatedImage> images) {
        return images.stream().map(i -> i.file().getFileName().toString()).toList();
    }
}
