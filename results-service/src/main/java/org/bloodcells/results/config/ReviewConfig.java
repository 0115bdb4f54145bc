package org.bloodcells.results.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** When an image's counts are put before an analyst (the review queue), and what analysts' reviews make. */
@ConfigMapping(prefix = "bloodcells.review")
public interface ReviewConfig {

    /** A counted cell scoring below this is uncertain. */
    @WithDefault("0.5")
    double confidentScore();

    /** An image with at least this many uncertain counted cells is flagged. */
    @WithDefault("5")
    int uncertainCells();

    /**
     * An image whose count of a class is this many robust standard deviations from the median of its slide's other
     * images is flagged (robust: 1.4826 × the median absolute deviation, at least √median + 1 for small counts).
     */
    @WithDefault("3.5")
    double outlierDeviations();

    /** The slide needs this many other DONE images before an image is compared with them. */
    @WithDefault("5")
    int outlierMinImages();

    /**
     * A corrections dataset (POST /datasets) needs at least this many images whose boxes analysts confirmed or
     * edited: fewer teach a fine-tune nothing and split into val and test parts too small to judge it on.
     */
    @WithDefault("10")
    int datasetMinImages();
}
