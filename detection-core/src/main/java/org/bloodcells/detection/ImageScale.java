package org.bloodcells.detection;

/**
 * An image's physical scale, where it is known: microns per pixel and where that figure came from.
 *
 * @param micronsPerPixel microns one image pixel covers; NaN when unknown
 * @param source          where the figure came from
 */
public record ImageScale(double micronsPerPixel, Source source) {

    /** Where a scale came from. */
    public enum Source {
        /** given with the upload */
        DECLARED,
        /** the scanner's configured scale */
        SCANNER,
        /** read from the file (TIFF resolution, EXIF, JFIF density) */
        FILE,
        /** measured by the detector from the cells it found */
        ESTIMATED,
        /** not known, and not estimated */
        UNKNOWN
    }

    public ImageScale {
        if (source == null) {
            throw new IllegalArgumentException("a scale needs a source");
        }
        if (source == Source.UNKNOWN ? !Double.isNaN(micronsPerPixel)
                : !(micronsPerPixel > 0) || Double.isInfinite(micronsPerPixel)) {
            throw new IllegalArgumentException("microns per pixel must be positive for a known scale and NaN for an "
                    + "unknown one, was " + micronsPerPixel + " (" + source + ")");
        }
    }

    public static ImageScale unknown() {
        return new ImageScale(Double.NaN, Source.UNKNOWN);
    }

    public boolean known() {
        return source != Source.UNKNOWN;
    }
}
