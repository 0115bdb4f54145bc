package org.bloodcells.results.service;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.bloodcells.results.persistence.Image;

/**
 * The platform's cell classes (models/CONTRACT.md), the columns an image row keeps their counts in, and the colour
 * every picture and chart draws them in.
 */
public enum CellClass {
    RBC("RBC", "rbc", "#d62728", i -> i.rbc, i -> i.rbcCorrected, (i, n) -> i.rbc = n, (i, n) -> i.rbcCorrected = n),
    WBC("WBC", "wbc", "#1f77b4", i -> i.wbc, i -> i.wbcCorrected, (i, n) -> i.wbc = n, (i, n) -> i.wbcCorrected = n),
    PLATELETS("Platelets", "platelets", "#2ca02c", i -> i.platelets, i -> i.plateletsCorrected,
            (i, n) -> i.platelets = n, (i, n) -> i.plateletsCorrected = n);

    private final String label;
    private final String column;
    private final String colour;
    private final Function<Image, Integer> model;
    private final Function<Image, Integer> corrected;
    private final BiConsumer<Image, Integer> setModel;
    private final BiConsumer<Image, Integer> setCorrected;

    CellClass(String label, String column, String colour, Function<Image, Integer> model,
            Function<Image, Integer> corrected, BiConsumer<Image, Integer> setModel,
            BiConsumer<Image, Integer> setCorrected) {
        this.label = label;
        this.column = column;
        this.colour = colour;
        this.model = model;
        this.corrected = corrected;
        this.setModel = setModel;
        this.setCorrected = setCorrected;
    }

    /** The class's name in models and events. */
    public String label() {
        return label;
    }

    /** The image column with the model's count; {@code <column>_corrected} and {@code <column>_reported} beside it. */
    public String column() {
        return column;
    }

    /** CSS colour, #rrggbb. */
    public String colour() {
        return colour;
    }

    public static Optional<CellClass> named(String label) {
        return Arrays.stream(values()).filter(c -> c.label.equalsIgnoreCase(label)).findFirst();
    }

    /** The model's count on the image's current run; null while it has none. */
    public Integer modelCount(Image image) {
        return model.apply(image);
    }

    /** The analyst's count; null when not corrected. */
    public Integer correctedCount(Image image) {
        return corrected.apply(image);
    }

    /** What the image reports: the correction where there is one, else the model's count. */
    public Integer reportedCount(Image image) {
        Integer fixed = corrected.apply(image);
        return fixed != null ? fixed : model.apply(image);
    }

    public void setModelCount(Image image, Integer count) {
        setModel.accept(image, count);
    }

    public void setCorrectedCount(Image image, Integer count) {
        setCorrected.accept(image, count);
    }

    /** Per class label, the counts {@code of} gives (nulls left out). */
    public static Map<String, Integer> counts(Image image, Function<CellClass, Function<Image, Integer>> of) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (CellClass c : values()) {
            Integer n = of.apply(c).apply(image);
            if (n != null) {
                counts.put(c.label, n);
            }
        }
        return counts;
    }

    public static Map<String, Integer> reported(Image image) {
        return counts(image, c -> c::reportedCount);
    }

    public static Map<String, Integer> model(Image image) {
        return counts(image, c -> c::modelCount);
    }
}
