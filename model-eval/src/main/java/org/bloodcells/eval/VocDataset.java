package org.bloodcells.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A PASCAL VOC dataset directory: {@code Annotations/<id>.xml}, {@code JPEGImages/<id>.jpg} and the splits in
 * {@code ImageSets/Main/<split>.txt}.
 *
 * <p>Boxes keep the annotation's coordinates ({@code xmin..xmax}, {@code ymin..ymax}, so area = w·h without VOC's
 * historical +1). Boxes without area are dropped (BCCD has two such point annotations). The {@code difficult}
 * flag is not used: every box counts, as in a COCO conversion with {@code iscrowd = 0}.
 */
public final class VocDataset {

    private final Path directory;

    private VocDataset(Path directory) {
        this.directory = directory;
    }

    public static VocDataset open(Path directory) {
        for (String sub : List.of("Annotations", "JPEGImages", "ImageSets/Main")) {
            if (!Files.isDirectory(directory.resolve(sub))) {
                throw new IllegalArgumentException("Not a PASCAL VOC directory, " + sub + "/ missing: "
                        + directory.toAbsolutePath());
            }
        }
        return new VocDataset(directory);
    }

    public Path directory() {
        return directory;
    }

    /** Image ids of a split ({@code train}, {@code val}, {@code test}, ...), in file order. */
    public List<String> imageIds(String split) {
        Path file = directory.resolve("ImageSets/Main").resolve(split + ".txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("No split '" + split + "': " + file + " does not exist");
        }
        try {
            return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty())
                    .map(l -> l.split("\\s+")[0]).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<AnnotatedImage> split(String split) {
        return imageIds(split).stream().map(this::image).toList();
    }

    public AnnotatedImage image(String id) {
        Path xml = directory.resolve("Annotations").resolve(id + ".xml");
        Document doc = parse(xml);
        Element size = child(doc.getDocumentElement(), "size", xml);
        int width = (int) number(size, "width", xml);
        int height = (int) number(size, "height", xml);
        List<GroundTruthBox> boxes = new ArrayList<>();
        NodeList objects = doc.getDocumentElement().getElementsByTagName("object");
        for (int i = 0; i < objects.getLength(); i++) {
            Element object = (Element) objects.item(i);
            String name = text(object, "name", xml);
            Element box = child(object, "bndbox", xml);
            GroundTruthBox truth = new GroundTruthBox(name, (float) number(box, "xmin", xml),
                    (float) number(box, "ymin", xml), (float) number(box, "xmax", xml), (float) number(box, "ymax", xml));
            if (truth.x2() > truth.x1() && truth.y2() > truth.y1()) {
                boxes.add(truth);
            }
        }
        Path image = directory.resolve("JPEGImages").resolve(id + ".jpg");
        if (!Files.exists(image)) {
            image = directory.resolve("JPEGImages").resolve(text(doc.getDocumentElement(), "filename", xml));
        }
        return new AnnotatedImage(id, image, width, height, boxes);
    }

    private static Document parse(Path xml) {
        try (InputStream in = Files.newInputStream(xml)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            DocumentBuilder builder = factory.newDocumentBuilder();
            return builder.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read annotation " + xml, e);
        } catch (SAXException | ParserConfigurationException e) {
            throw new IllegalArgumentException("Malformed annotation " + xml + ": " + e.getMessage(), e);
        }
    }

    private static Element child(Element parent, String name, Path xml) {
        NodeList list = parent.getElementsByTagName(name);
        if (list.getLength() == 0) {
            throw new IllegalArgumentException("Annotation " + xml + " lacks <" + name + ">");
        }
        return (Element) list.item(0);
    }

    private static String text(Element parent, String name, Path xml) {
        return child(parent, name, xml).getTextContent().trim();
    }

    private static double number(Element parent, String name, Path xml) {
        String value = text(parent, name, xml);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Annotation " + xml + " has <" + name + ">" + value + "</" + name + ">");
        }
    }
}
