package org.bloodcells.trainer.site;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.bloodcells.images.AnnotationsFingerprint;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A site's corrections as results-service exports them ({@code datasets/<name>/} of the images bucket), checked
 * once downloaded: a PASCAL VOC folder with {@code ImageSets/Main/train|val|test.txt} (a fixed split by image id;
 * test is never trained or tuned on) and {@code dataset.json}, written last, whose {@code fingerprint} is the SHA-256
 * over the sorted image ids, each followed by its annotation's bytes.
 *
 * @param directory       the downloaded folder
 * @param name            the dataset's name
 * @param fingerprint     the manifest's fingerprint, equal to the one of the annotations downloaded
 * @param splits          image ids per split (train, val, test)
 * @param labelledClasses the model's classes the site labels on every image (none of its annotations calls them
 *                        {@code <unlabelled>}): the classes its count error is summed over and whose count thresholds
 *                        are recalibrated
 * @param manifest        {@code dataset.json} as written
 */
public record SiteDataset(Path directory, String name, String fingerprint, Map<String, List<String>> splits,
        List<String> labelledClasses, JsonNode manifest) {

    /** The splits the export writes, in the order a run uses them. */
    public static final List<String> SPLITS = List.of("train", "val", "test");

    /** The manifest's file name, written last: a folder without it is an export still going on or one that failed. */
    public static final String MANIFEST = "dataset.json";

    private static final List<String> IMAGE_EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp");

    public SiteDataset {
        splits = Map.copyOf(splits);
        labelledClasses = List.copyOf(labelledClasses);
    }

    public List<String> ids(String split) {
        return splits.get(split);
    }

    /**
     * Checks a downloaded site dataset against its manifest and the model it would fine-tune.
     *
     * @param modelClasses   the classes the model knows
     * @param minTrainImages fewest images its train split may have
     * @throws SiteDatasetException saying what is wrong
     */
    public static SiteDataset check(Path directory, String name, List<String> modelClasses, int minTrainImages) {
        Path manifestFile = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new SiteDatasetException("site dataset '" + name + "' is incomplete: it has no " + MANIFEST
                    + " (written last by the export)");
        }
        JsonNode manifest;
        try {
            manifest = new ObjectMapper().readTree(manifestFile.toFile());
        } catch (IOException e) {
            throw new SiteDatasetException("site dataset '" + name + "': " + MANIFEST + " is not JSON: "
                    + e.getMessage());
        }
        String declared = manifest.path("fingerprint").asText("");
        String actual = fingerprint(directory.resolve("Annotations"));
        if (!declared.equals(actual)) {
            throw new SiteDatasetException("site dataset '" + name + "' does not match its manifest: fingerprint "
                    + actual + " of what was downloaded, " + (declared.isEmpty() ? "none" : declared)
                    + " in " + MANIFEST);
        }
        Map<String, List<String>> splits = new LinkedHashMap<>();
        for (String split : SPLITS) {
            List<String> ids = readSplit(directory, name, split);
            JsonNode count = manifest.path("splits").path(split);
            if (!count.isMissingNode() && count.asInt() != ids.size()) {
                throw new SiteDatasetException("site dataset '" + name + "': " + MANIFEST + " says " + count.asInt()
                        + " " + split + " images, " + split + ".txt lists " + ids.size());
            }
            for (String id : ids) {
                if (!Files.isRegularFile(directory.resolve("Annotations").resolve(id + ".xml"))) {
                    throw new SiteDatasetException("site dataset '" + name + "': " + split + " image " + id
                            + " has no annotation");
                }
                if (image(directory, id) == null) {
                    throw new SiteDatasetException("site dataset '" + name + "': " + split + " image " + id
                            + " has no file in JPEGImages/");
                }
            }
            splits.put(split, ids);
        }
        if (splits.get("train").size() < minTrainImages) {
            throw new SiteDatasetException("site dataset '" + name + "' has " + splits.get("train").size()
                    + " train images; a fine-tune needs at least " + minTrainImages);
        }
        for (String split : List.of("val", "test")) {
            if (splits.get(split).isEmpty()) {
                throw new SiteDatasetException("site dataset '" + name + "' has no " + split + " images: "
                        + ("val".equals(split) ? "the count thresholds are calibrated on them"
                                : "the gate judges on them"));
            }
        }
        Set<String> named = new TreeSet<>();
        Set<String> unlabelled = new LinkedHashSet<>();
        manifest.path("classes").forEach(c -> named.add(c.asText()));
        for (String split : SPLITS) {
            for (String id : splits.get(split)) {
                Labels labels = labels(directory.resolve("Annotations").resolve(id + ".xml"));
                named.addAll(labels.objects());
                named.addAll(labels.unlabelled());
                unlabelled.addAll(labels.unlabelled());
            }
        }
        List<String> unknown = named.stream().filter(c -> !modelClasses.contains(c)).toList();
        if (!unknown.isEmpty()) {
            throw new SiteDatasetException("site dataset '" + name + "' has classes the model does not know: "
                    + String.join(", ", unknown) + " (it knows " + String.join(", ", modelClasses) + ")");
        }
        List<String> labelled = modelClasses.stream().filter(c -> !unlabelled.contains(c)).toList();
        return new SiteDataset(directory, name, actual, splits, labelled, manifest);
    }

    /** SHA-256 over the sorted image ids of {@code Annotations/}, each followed by its annotation's bytes. */
    public static String fingerprint(Path annotations) {
        SortedMap<String, byte[]> byId = new TreeMap<>();
        if (Files.isDirectory(annotations)) {
            try (Stream<Path> files = Files.list(annotations)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".xml")).toList()) {
                    String name = file.getFileName().toString();
                    byId.put(name.substring(0, name.length() - ".xml".length()), Files.readAllBytes(file));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + annotations, e);
            }
        }
        return AnnotationsFingerprint.of(byId);
    }

    private static List<String> readSplit(Path directory, String name, String split) {
        Path file = directory.resolve("ImageSets/Main").resolve(split + ".txt");
        if (!Files.isRegularFile(file)) {
            throw new SiteDatasetException("site dataset '" + name + "' has no ImageSets/Main/" + split + ".txt");
        }
        try {
            return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Path image(Path directory, String id) {
        for (String extension : IMAGE_EXTENSIONS) {
            Path file = directory.resolve("JPEGImages").resolve(id + extension);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }

    /** The class names an annotation's boxes have, and those it says nobody labelled. */
    private record Labels(List<String> objects, List<String> unlabelled) {
    }

    private static Labels labels(Path xml) {
        try (InputStream in = Files.newInputStream(xml)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            Document doc = factory.newDocumentBuilder().parse(in);
            List<String> objects = new ArrayList<>();
            NodeList names = doc.getDocumentElement().getElementsByTagName("object");
            for (int i = 0; i < names.getLength(); i++) {
                NodeList name = ((org.w3c.dom.Element) names.item(i)).getElementsByTagName("name");
                if (name.getLength() > 0) {
                    objects.add(name.item(0).getTextContent().trim());
                }
            }
            List<String> unlabelled = new ArrayList<>();
            NodeList none = doc.getDocumentElement().getElementsByTagName("unlabelled");
            for (int i = 0; i < none.getLength(); i++) {
                unlabelled.add(none.item(i).getTextContent().trim());
            }
            return new Labels(objects, unlabelled);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + xml, e);
        } catch (SAXException | ParserConfigurationException e) {
            throw new SiteDatasetException("malformed annotation " + xml.getFileName() + ": " + e.getMessage());
        }
    }
}
