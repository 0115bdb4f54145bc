package org.bloodcells.detection;

/**
 * One detected cell.
 *
 * @param cellClass class name, one of the model's classes
 * @param score     class probability, 0..1
 * @param x1        left edge in original image pixels
 * @param y1        top edge in original image pixels
 * @param x2        right edge in original image pixels, {@code x2 > x1}
 * @param y2        bottom edge in original image pixels, {@code y2 > y1}
 */
public record Detection(String cellClass, float score, float x1, float y1, float x2, float y2) {

    public float width() {
        return x2 - x1;
    }

    public float height() {
        return y2 - y1;
    }
}
