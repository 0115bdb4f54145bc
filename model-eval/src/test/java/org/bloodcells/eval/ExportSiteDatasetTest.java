package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportSiteDatasetTest {

    private static final Path OTHER_LAB = Path.of("..", "datasets", "draaslan-bcd");

    @Test
    void theHeldBackHalfIsTheTestSplitAndTheCorrectionsAreTrainAndVal(@TempDir Path out) throws Exception {
        List<AnnotatedImage> images = OtherLabDataset.read(OTHER_LAB);
        ExportSiteDataset.write(images, out);

        VocDataset voc = VocDataset.open(out);
        SiteSplit split = SiteSplit.of(images);
        Set<String> heldBack = new HashSet<>(split.heldBack().stream().map(AnnotatedImage::id).toList());
        assertEquals(heldBack, new HashSet<>(voc.imageIds("test")));
        Set<String> corrections = new HashSet<>(voc.imageIds("train"));
        corrections.addAll(voc.imageIds("val"));
        assertEquals(new HashSet<>(split.corrections().stream().map(AnnotatedImage::id).toList()), corrections);
        // the figures datasets/draaslan-bcd/README.md and models/README.md state
        assertEquals(39, voc.imageIds("train").size());
        assertEquals(11, voc.imageIds("val").size());
        String readme = Files.readString(OTHER_LAB.resolve("README.md"));
        assertTrue(readme.contains("39 train, 11 val"), "the dataset's README states the split");

        AnnotatedImage original = images.get(0);
        AnnotatedImage exported = voc.image(original.id());
        assertEquals(original.boxes().size(), exported.boxes().size());
        assertTrue(Files.isRegularFile(exported.file()), "the image travels with its labels");
        String xml = Files.readString(out.resolve("Annotations").resolve(original.id() + ".xml"));
        assertTrue(xml.contains("<unlabelled>Platelets</unlabelled>"), xml);
        double micronsPerPixel = LabelledScale.micronsPerPixel(split.corrections());
        assertTrue(xml.contains(String.format(java.util.Locale.ROOT, "<microns_per_pixel>%.6f", micronsPerPixel)), xml);
    }
}
