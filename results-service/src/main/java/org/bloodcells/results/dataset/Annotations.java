package org.bloodcells.results.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.bloodcells.images.ImageFormat;
import org.bloodcells.images.VocAnnotation;
import org.bloodcells.results.review.ReviewedCells;
import org.bloodcells.results.service.CellClass;

/** An image's reviewed cells as the PASCAL VOC annotation a corrections dataset holds. */
public final class Annotations {

    private Annotations() {
    }

    /** The file name extension of a stored image: its content type's, else its object key's. */
    public static String extension(String contentType, String objectKey) {
        for (ImageFormat format : ImageFormat.values()) {
            if (format.mediaType().equalsIgnoreCase(contentType == null ? "" : contentType.trim())) {
                return format.extension();
            }
        }
        int dot = objectKey == null ? -1 : objectKey.lastIndexOf('.');
        return dot < 0 ? "bin" : objectKey.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * The counted reviewed cells as objects (what the image's counts are made of); the image named
     * {@code <imageId>.<extension>}, its size and scale those of its run.
     *
     * @throws DatasetRefusedException 422 when a cell's class is none the model knows
     */
    public static VocAnnotation of(String imageId, String extension, int width, int height, Double micronsPerPixel,
            String scaleSource, List<ReviewedCells.Cell> cells) {
        List<VocAnnotation.Box> objects = new ArrayList<>();
        for (ReviewedCells.Cell cell : ReviewedCells.countedCells(cells)) {
            Optional<CellClass> known = CellClass.named(cell.cellClass());
            if (known.isEmpty()) {
                throw new DatasetRefusedException(422, "image " + imageId + " has a cell (" + cell.key()
                        + ") of class " + cell.cellClass() + ", which the model does not know (classes: RBC, WBC,"
                        + " Platelets): reclassify or delete it");
            }
            objects.add(new VocAnnotation.Box(known.get().label(), cell.x1(), cell.y1(), cell.x2(), cell.y2()));
        }
        return new VocAnnotation(imageId + "." + extension, width, height, micronsPerPixel, scaleSource, objects,
                List.of());
    }
}
