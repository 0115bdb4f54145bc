package org.bloodcells.detection;

/**
 * How an image was brought to the model's scale.
 *
 * @param scale                    the image's scale as used: declared, from the scanner or the file, estimated from
 *                                 its cells, or unknown
 * @param inputPixelsPerImagePixel the resampling applied: model input pixels per image pixel
 * @param tiles                    how many tiles of the model's input the image was cut into (1: padded whole)
 */
public record ScaleReport(ImageScale scale, double inputPixelsPerImagePixel, int tiles) {
}
