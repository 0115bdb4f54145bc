package org.bloodcells.events;

import java.util.List;
import java.util.Optional;

/**
 * An image's physical scale and where the figure came from.
 *
 * @param micronsPerPixel microns one image pixel covers; null when unknown
 * @param source          {@code DECLARED} (with the upload), {@code SCANNER} (the scanner's configured scale),
 *                        {@code FILE} (the file's resolution tags), {@code ESTIMATED} (measured by the worker from
 *                        the cells it found) or {@code UNKNOWN}
 */
public record Scale(Double micronsPerPixel, String source) {

    /** Where a scale sent with an image may come from; the worker adds {@code ESTIMATED} itself. */
    public static final List<String> GIVEN_SOURCES = List.of("DECLARED", "SCANNER", "FILE");

    /** @return why this cannot be the scale an image is sent with; empty when it can (a null figure always can) */
    public Optional<String> problemAsGiven() {
        if (micronsPerPixel == null) {
            return Optional.empty();
        }
        if (!(micronsPerPixel > 0) || micronsPerPixel.isInfinite()) {
            return Optional.of("scale: microns per pixel must be a positive number, was " + micronsPerPixel);
        }
        if (source == null || !GIVEN_SOURCES.contains(source)) {
            return Optional.of("scale: the source of a figure sent with an image must be one of " + GIVEN_SOURCES
                    + ", was " + (source == null ? "none" : "'" + FileNameRule.printable(source) + "'"));
        }
        return Optional.empty();
    }
}
