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
        assertTrue(voc.imageIds("val").size() >= 5 && voc.imageIds("train").size() >= 35,
                "val holds about a fifth of the corrections: " + voc.imageIds("val").size());

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
