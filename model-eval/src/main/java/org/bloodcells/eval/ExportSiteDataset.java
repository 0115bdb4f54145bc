package org.bloodcells.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.bloodcells.images.DatasetSplit;
import org.bloodcells.images.VocAnnotation;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The other lab's crops as a site's dataset in PASCAL VOC, the protocol of a site fine-tune on data at hand: its 50
 * site corrections ({@link SiteSplit}) become {@code train} and {@code val} (split by the SHA-256 of the image id,
 * {@link DatasetSplit}), its 50 held-back crops become {@code test}, which nothing trains or tunes on. Each image
 * carries the site's scale measured from the corrections' labelled red cells ({@link LabelledScale}) and says which
 * classes the lab did not label ({@code <unlabelled>}: platelets), so training neither learns nor unlearns them there.
 *
 * <pre>
 * mvn -B -q -pl model-eval exec:java -Dexec.mainClass=org.bloodcells.eval.ExportSiteDataset \
 *   -Dexec.args="--out runs/site-draaslan"
 * </pre>
 */
@Command(name = "ExportSiteDataset", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Writes the other lab's crops as a site dataset (VOC): site corrections as train/val, the "
                + "held-back half as test.")
public final class ExportSiteDataset implements Callable<Integer> {

    /** The share of the site corrections kept to choose the count thresholds on. */
    static final int VAL_PERCENT = 20;

    @Option(names = "--other-lab", defaultValue = "datasets/draaslan-bcd", paramLabel = "DIR")
    Path otherLab;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ExportSiteDataset()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Map<DatasetSplit, Integer> written = write(OtherLabDataset.read(otherLab), out);
        System.out.printf(Locale.ROOT, "Site dataset %s: train %d, val %d (site corrections), test %d (held back)%n",
                out, written.get(DatasetSplit.TRAIN), written.get(DatasetSplit.VAL), written.get(DatasetSplit.TEST));
        return 0;
    }

    static Map<DatasetSplit, Integer> write(List<AnnotatedImage> images, Path out) throws IOException {
        SiteSplit split = SiteSplit.of(images);
        double micronsPerPixel = LabelledScale.micronsPerPixel(split.corrections());
        Map<DatasetSplit, List<String>> ids = new EnumMap<>(DatasetSplit.class);
        for (DatasetSplit s : DatasetSplit.values()) {
            ids.put(s, new ArrayList<>());
        }
        Files.createDirectories(out.resolve("Annotations"));
        Files.createDirectories(out.resolve("JPEGImages"));
        Files.createDirectories(out.resolve("ImageSets/Main"));
        for (AnnotatedImage image : images) {
            boolean heldBack = split.heldBack().contains(image);
            DatasetSplit to = heldBack ? DatasetSplit.TEST
                    : DatasetSplit.of(image.id(), VAL_PERCENT, 0);
            ids.get(to).add(image.id());
            String file = image.file().getFileName().toString();
            Files.copy(image.file(), out.resolve("JPEGImages").resolve(file), StandardCopyOption.REPLACE_EXISTING);
            List<VocAnnotation.Box> boxes = image.boxes().stream()
                    .map(b -> new VocAnnotation.Box(b.cellClass(), b.x1(), b.y1(), b.x2(), b.y2())).toList();
            String xml = new VocAnnotation(file, image.width(), image.height(), micronsPerPixel, "labelled", boxes,
                    OtherLabDataset.UNLABELLED).toXml();
            Files.writeString(out.resolve("Annotations").resolve(image.id() + ".xml"), xml);
        }
        Map<DatasetSplit, Integer> written = new EnumMap<>(DatasetSplit.class);
        for (var entry : ids.entrySet()) {
            Files.write(out.resolve("ImageSets/Main").resolve(entry.getKey().fileName() + ".txt"), entry.getValue());
            written.put(entry.getKey(), entry.getValue().size());
        }
        return written;
    }
}
