package org.bloodcells.images;

import java.util.List;
import java.util.Locale;

/**
 * One image's labels as a PASCAL VOC annotation, the format the trainer reads and every labelling tool writes. The
 * image's physical scale, where known, rides along as {@code <scale><microns_per_pixel>}: a site's images are taken
 * at its own microscope's scale, and the trainer brings each image to the model's scale rather than to a fixed size.
 *
 * @param filename        the image's file name in {@code JPEGImages/}
 * @param micronsPerPixel the image's scale, null when unknown
 * @param scaleSource     how the scale was learnt (declared, file, estimated, labelled), null when unknown
 * @param unlabelled      classes nobody labelled on this image ({@code <unlabelled>}): a cell of such a class that
 *                        has no box is not background, so training leaves the class alone there
 */
public record VocAnnotation(String filename, int width, int height, Double micronsPerPixel, String scaleSource,
        List<Box> objects, List<String> unlabelled) {

    /** A labelled cell, in pixels of the image ({@code xmin..xmax}, {@code ymin..ymax}). */
    public record Box(String name, double xmin, double ymin, double xmax, double ymax) {
    }

    public VocAnnotation {
        if (filename == null || filename.isBlank() || filename.contains("/") || filename.contains("\\")) {
            throw new IllegalArgumentException("a VOC annotation names its image by a plain file name: " + filename);
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        }
        if (micronsPerPixel != null && !(micronsPerPixel > 0 && Double.isFinite(micronsPerPixel))) {
            throw new IllegalArgumentException("microns per pixel must be a positive number: " + micronsPerPixel);
        }
        objects = List.copyOf(objects);
        unlabelled = List.copyOf(unlabelled);
    }

    public String toXml() {
        StringBuilder xml = new StringBuilder("<annotation>\n");
        xml.append("  <folder>JPEGImages</folder>\n");
        xml.append("  <filename>").append(escape(filename)).append("</filename>\n");
        xml.append("  <size>\n    <width>").append(width).append("</width>\n    <height>").append(height)
                .append("</height>\n    <depth>3</depth>\n  </size>\n");
        if (micronsPerPixel != null) {
            xml.append("  <scale>\n    <microns_per_pixel>").append(String.format(Locale.ROOT, "%.6f", micronsPerPixel))
                    .append("</microns_per_pixel>\n");
            if (scaleSource != null) {
                xml.append("    <source>").append(escape(scaleSource)).append("</source>\n");
            }
            xml.append("  </scale>\n");
        }
        for (Box box : objects) {
            xml.append("  <object>\n    <name>").append(escape(box.name())).append("</name>\n")
                    .append("    <difficult>0</difficult>\n    <bndbox>\n")
                    .append(coordinate("xmin", box.xmin())).append(coordinate("ymin", box.ymin()))
                    .append(coordinate("xmax", box.xmax())).append(coordinate("ymax", box.ymax()))
                    .append("    </bndbox>\n  </object>\n");
        }
        for (String name : unlabelled) {
            xml.append("  <unlabelled>").append(escape(name)).append("</unlabelled>\n");
        }
        return xml.append("</annotation>\n").toString();
    }

    private static String coordinate(String name, double value) {
        return String.format(Locale.ROOT, "      <%s>%.1f</%s>\n", name, value, name);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
