package org.bloodcells.detection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a model knows about the images it was trained on, from its optional metadata ({@code models/CONTRACT.md}):
 * the physical scale it runs at, the score each class is counted from, and the range of colour and confidence its
 * training images showed. A model without these keys runs as before: whole images letterboxed to its input, counts at
 * its score threshold, and no out-of-distribution check but the ones it has figures for.
 *
 * @param inputMicronsPerPixel     microns one pixel of the model's input covers when it runs at its trained scale
 *                                 ({@code input_microns_per_pixel}); NaN when the model has no physical scale
 * @param referenceClass           the class whose size tells an image's scale ({@code scale_reference}, "RBC:7.5"),
 *                                 null without one
 * @param referenceMicrons         that class's typical diameter in microns
 * @param countThresholds          per class, the score from which a detection is counted ({@code count_thresholds});
 *                                 classes not named are counted from the score threshold
 * @param colours                  the colours of the images the model has learnt from, one entry per source: its
 *                                 training images' ({@code colour_mean}, {@code colour_std}) and those of every site
 *                                 it was fine-tuned on since ({@code colour_domains}); empty without them
 * @param uncertainShareLimit      the largest share of detections scored below {@link #CONFIDENT} that its training
 *                                 images showed ({@code uncertain_share_limit}, 0..1); NaN without one
 */
public record ModelDomain(double inputMicronsPerPixel, String referenceClass, double referenceMicrons,
        Map<String, Double> countThresholds, List<ColourDomain> colours, double uncertainShareLimit) {

    /** Metadata keys this record reads; all optional. */
    public static final List<String> KEYS = List.of("input_microns_per_pixel", "scale_reference", "count_thresholds",
            "colour_mean", "colour_std", "colour_domains", "uncertain_share_limit");

    /** The source name of the colour that {@code colour_mean} and {@code colour_std} describe. */
    public static final String TRAINING = "training";

    /**
     * The colour of one source's images: the mean and spread of each image's mean R, G, B (0..255).
     *
     * @param source a name an analyst recognises (the data set or site), letters, digits, '.', '_' and '-'
     */
    public record ColourDomain(String source, float[] mean, float[] std) {

        public ColourDomain {
            mean = mean.clone();
            std = std.clone();
        }

        /** How many of this source's standard deviations the colour lies from its mean, in its furthest channel. */
        public double distance(float[] colour) {
            double worst = 0;
            for (int c = 0; c < 3; c++) {
                worst = Math.max(worst, Math.abs(colour[c] - mean[c]) / std[c]);
            }
            return worst;
        }

        /** The entry as {@code colour_domains} writes it: {@code NAME:R,G,B:SR,SG,SB}. */
        public String metadata() {
            return String.format(Locale.ROOT, "%s:%.2f,%.2f,%.2f:%.2f,%.2f,%.2f", source, mean[0], mean[1], mean[2],
                    std[0], std[1], std[2]);
        }
    }

    /** A detection scored below this is uncertain, for the confidence profile. */
    public static final double CONFIDENT = 0.5;

    /** Fewer detections than this say nothing about the confidence profile. */
    public static final int PROFILE_MIN_DETECTIONS = 10;

    /**
     * The confidence profile the out-of-distribution check compares with {@code uncertain_share_limit}: of the
     * detections scoring at least {@code floor} (the model's score threshold), the share scored below
     * {@link #CONFIDENT}; NaN when there are fewer than {@link #PROFILE_MIN_DETECTIONS}.
     */
    public static double uncertainShare(List<Detection> detections, double floor) {
        List<Detection> found = detections.stream().filter(d -> d.score() >= floor).toList();
        if (found.size() < PROFILE_MIN_DETECTIONS) {
            return Double.NaN;
        }
        return found.stream().filter(d -> d.score() < CONFIDENT).count() / (double) found.size();
    }

    /**
     * Mean R, G and B (0..255) of an image as the detection core reads it (grey, indexed and CMYK made RGB as for the
     * model): what the out-of-distribution check compares with {@code colour_mean}.
     */
    public static float[] meanColour(java.awt.image.BufferedImage image) {
        return RgbImage.of(image).meanColour();
    }

    static final ModelDomain NONE = new ModelDomain(Double.NaN, null, Double.NaN, Map.of(), List.of(), Double.NaN);

    public ModelDomain {
        countThresholds = Map.copyOf(countThresholds);
        colours = List.copyOf(colours);
    }

    /** The source whose colour lies nearest to this one (in its own standard deviations); null without colours. */
    public ColourDomain nearestColour(float[] colour) {
        return colours.stream().min(Comparator.comparingDouble(d -> d.distance(colour))).orElse(null);
    }

    public boolean hasScale() {
        return !Double.isNaN(inputMicronsPerPixel) && referenceClass != null;
    }

    /**
     * The score from which a detection of this class is counted: its count threshold, never below the detector's
     * score threshold (which counts the classes without one).
     */
    public double countThreshold(String cellClass, double scoreThreshold) {
        return Math.max(scoreThreshold, countThresholds.getOrDefault(cellClass, scoreThreshold));
    }

    /** The domain a model's metadata (or a calibration's JSON) describes; refuses malformed values. */
    public static ModelDomain parse(Map<String, String> props, List<String> classes) {
        double mpp = optionalPositive(props, "input_microns_per_pixel");
        String referenceClass = null;
        double referenceMicrons = Double.NaN;
        String reference = props.get("scale_reference");
        if (reference != null && !reference.isBlank()) {
            String[] parts = reference.split(":");
            if (parts.length != 2 || !classes.contains(parts[0].trim())) {
                throw new ModelContractException("Model metadata 'scale_reference' must be CLASS:MICRONS with one of "
                        + classes + ", was '" + reference + "'");
            }
            referenceClass = parts[0].trim();
            referenceMicrons = ModelMetadata.positiveNumber("scale_reference", parts[1].trim());
        }
        if (Double.isNaN(mpp) != (referenceClass == null)) {
            throw new ModelContractException(
                    "Model metadata must have both 'input_microns_per_pixel' and 'scale_reference', or neither");
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        String counts = props.get("count_thresholds");
        if (counts != null && !counts.isBlank()) {
            for (String entry : counts.split(",")) {
                String[] parts = entry.split(":");
                if (parts.length != 2 || !classes.contains(parts[0].trim())) {
                    throw new ModelContractException("Model metadata 'count_thresholds' entries must be CLASS:SCORE "
                            + "with one of " + classes + ", was '" + entry + "'");
                }
                double score = ModelMetadata.number("count_thresholds", parts[1].trim());
                if (!(score >= 0 && score <= 1)) {
                    throw new ModelContractException("Model metadata 'count_thresholds' scores must be within 0..1, "
                            + "was '" + entry + "'");
                }
                thresholds.put(parts[0].trim(), score);
            }
        }
        float[] mean = optionalChannels(props, "colour_mean");
        float[] std = optionalChannels(props, "colour_std");
        if ((mean == null) != (std == null)) {
            throw new ModelContractException("Model metadata must have both 'colour_mean' and 'colour_std', or neither");
        }
        List<ColourDomain> colours = new ArrayList<>();
        if (mean != null) {
            colours.add(new ColourDomain(TRAINING, mean, std));
        }
        colours.addAll(colourDomains(props.get("colour_domains")));
        String share = props.get("uncertain_share_limit");
        double uncertain = share == null || share.isBlank() ? Double.NaN
                : ModelMetadata.number("uncertain_share_limit", share.trim());
        if (!Double.isNaN(uncertain) && !(uncertain >= 0 && uncertain <= 1)) {
            throw new ModelContractException("Model metadata 'uncertain_share_limit' must be within 0..1, was '" + share
                    + "'");
        }
        return new ModelDomain(mpp, referenceClass, referenceMicrons, thresholds, colours, uncertain);
    }

    /** Further sources' colours, {@code NAME:R,G,B:SR,SG,SB} separated by ';'. */
    private static List<ColourDomain> colourDomains(String value) {
        List<ColourDomain> domains = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return domains;
        }
        for (String entry : value.split(";")) {
            String[] parts = entry.trim().split(":");
            if (parts.length != 3 || !parts[0].matches("[A-Za-z0-9._-]+")) {
                throw new ModelContractException("Model metadata 'colour_domains' entries must be NAME:R,G,B:SR,SG,SB, "
                        + "was '" + entry + "'");
            }
            float[] mean = ModelMetadata.channels(Map.of("colour_domains", parts[1]), "colour_domains");
            float[] std = ModelMetadata.channels(Map.of("colour_domains", parts[2]), "colour_domains");
            if (!(std[0] > 0 && std[1] > 0 && std[2] > 0)) {
                throw new ModelContractException("Model metadata 'colour_domains' spreads must be positive, was '"
                        + entry + "'");
            }
            domains.add(new ColourDomain(parts[0], mean, std));
        }
        return domains;
    }

    private static double optionalPositive(Map<String, String> props, String key) {
        String value = props.get(key);
        return value == null || value.isBlank() ? Double.NaN : ModelMetadata.positiveNumber(key, value.trim());
    }

    private static float[] optionalChannels(Map<String, String> props, String key) {
        String value = props.get(key);
        if (value == null || value.isBlank()) {
            return null;
        }
        float[] parsed = ModelMetadata.channels(props, key);
        if (key.endsWith("std") && !(parsed[0] > 0 && parsed[1] > 0 && parsed[2] > 0)) {
            throw new ModelContractException("Model metadata '" + key + "' must be positive, was '" + value + "'");
        }
        return parsed;
    }

    @Override
    public String toString() {
        return "ModelDomain[inputMicronsPerPixel=" + inputMicronsPerPixel + ", reference=" + referenceClass + ":"
                + referenceMicrons + ", countThresholds=" + countThresholds + ", colours="
                + colours.stream().map(ColourDomain::metadata).toList() + ", uncertainShareLimit=" + uncertainShareLimit + "]";
    }
}
