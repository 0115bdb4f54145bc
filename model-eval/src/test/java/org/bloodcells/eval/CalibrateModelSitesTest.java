package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.bloodcells.detection.DomainCheck;
import org.bloodcells.detection.ModelDomain;
import org.bloodcells.images.BccdImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a site fine-tune the calibrator adds the site's colour to the model's domain. */
class CalibrateModelSitesTest {

    @Test
    void aSitesImagesAreNoLongerUnlikeTheModelForTheirColourOnceItsStatisticsJoin(@TempDir Path dir)
            throws Exception {
        VocDataset bccd = VocDataset.open(BccdImages.directory());
        Path site = tintedSite(bccd.split("train").subList(0, 2), dir.resolve("site"));
        Map<String, String> metadata = CalibrateModel.parse("--model", RobustnessBenchmarkTest.MODEL, "--voc",
                BccdImages.directory().toString(), "--limit", "2", "--count-classes", "WBC", "--stats-splits", "train",
                "--also-stats", "site-a=" + site, "--out", dir.resolve("d.json").toString())
                .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertTrue(metadata.get("colour_domains").startsWith("site-a:"), metadata.get("colour_domains"));
        List<String> classes = List.of("RBC", "WBC", "Platelets");
        ModelDomain joined = ModelDomain.parse(metadata, classes);
        Map<String, String> before = new java.util.HashMap<>(metadata);
        before.remove("colour_domains");
        ModelDomain alone = ModelDomain.parse(before, classes);

        float[] colour = ModelDomain.meanColour(ImageIO.read(site.resolve("JPEGImages")
                .resolve(bccd.split("train").get(0).id() + ".jpg").toFile()));
        assertTrue(alone.nearestColour(colour).distance(colour) > DomainCheck.COLOUR_Z, "unlike BCCD's colour");
        assertEquals("site-a", joined.nearestColour(colour).source());
        assertTrue(joined.nearestColour(colour).distance(colour) <= DomainCheck.COLOUR_Z, "like the site's");
    }

    /** A site whose stain is BCCD's shifted towards blue: the images re-coloured, their boxes unchanged. */
    private static Path tintedSite(List<AnnotatedImage> images, Path site) throws IOException {
        Files.createDirectories(site.resolve("JPEGImages"));
        Files.createDirectories(site.resolve("Annotations"));
        Files.createDirectories(site.resolve("ImageSets/Main"));
        StringBuilder ids = new StringBuilder();
        for (AnnotatedImage image : images) {
            BufferedImage pixels = image.decode();
            BufferedImage tinted = new BufferedImage(pixels.getWidth(), pixels.getHeight(), BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < pixels.getHeight(); y++) {
                for (int x = 0; x < pixels.getWidth(); x++) {
                    int rgb = pixels.getRGB(x, y);
                    int r = Math.max(0, ((rgb >> 16) & 0xff) - 40);
                    int g = Math.max(0, ((rgb >> 8) & 0xff) - 30);
                    tinted.setRGB(x, y, r << 16 | g << 8 | (rgb & 0xff));
                }
            }
            ImageIO.write(tinted, "jpg", site.resolve("JPEGImages").resolve(image.id() + ".jpg").toFile());
            Files.copy(image.file().getParent().getParent().resolve("Annotations").resolve(image.id() + ".xml"),
                    site.resolve("Annotations").resolve(image.id() + ".xml"));
            ids.append(image.id()).append('\n');
        }
        Files.writeString(site.resolve("ImageSets/Main/train.txt"), ids);
        return site;
    }
}
