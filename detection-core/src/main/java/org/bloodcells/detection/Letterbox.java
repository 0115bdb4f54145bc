package org.bloodcells.detection;

/**
 * Where an image lands on the model's square input: scaled by {@code scale} to
 * {@code resizedWidth × resizedHeight} at the top-left corner, the rest padding.
 */
record Letterbox(int imageWidth, int imageHeight, double scale, int resizedWidth, int resizedHeight) {

    static Letterbox of(int imageWidth, int imageHeight, int inputSize) {
        if (imageWidth < 1 || imageHeight < 1) {
            throw new IllegalArgumentException("Image has no pixels: " + imageWidth + "x" + imageHeight);
        }
        double scale = (double) inputSize / Math.max(imageWidth, imageHeight);
        // Math.rint rounds halves to even, as Python's round() in the trainer does.
        int width = Math.max(1, Math.min(inputSize, (int) Math.rint(imageWidth * scale)));
        int height = Math.max(1, Math.min(inputSize, (int) Math.rint(imageHeight * scale)));
        return new Letterbox(imageWidth, imageHeight, scale, width, height);
    }

    /** The image resampled by {@code scale} (not fitted to the input), which must keep it within the input. */
    static Letterbox at(int imageWidth, int imageHeight, double scale, int inputSize) {
        int width = (int) Math.rint(imageWidth * scale);
        int height = (int) Math.rint(imageHeight * scale);
        if (imageWidth < 1 || imageHeight < 1 || width > inputSize || height > inputSize) {
            throw new IllegalArgumentException("a " + imageWidth + "x" + imageHeight + " region at " + scale
                    + " does not fit a " + inputSize + " input");
        }
        return new Letterbox(imageWidth, imageHeight, scale, Math.max(1, width), Math.max(1, height));
    }
}
