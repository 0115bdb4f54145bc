package org.bloodcells.events;

/**
 * An image's physical scale and where the figure came from.
 *
 * @param micronsPerPixel microns one image pixel covers; null when unknown
 * @param source          {@code DECLARED} (with the upload), {@code SCANNER} (the scanner's configured scale),
 *                        {@code FILE} (the file's resolution tags), {@code ESTIMATED} (measured by the worker from
 *                        the cells it found) or {@code UNKNOWN}
 */
public record Scale(Double micronsPerPixel, String source) {
}
