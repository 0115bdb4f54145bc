package org.bloodcells.results.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.bloodcells.results.query.ImageFilter;
import org.bloodcells.results.query.InvalidQueryException;
import org.bloodcells.results.service.CellClass;
import org.bloodcells.results.service.ImageStatus;
import org.bloodcells.results.service.ReviewStatus;
import org.jboss.resteasy.reactive.RestQuery;

/** The filters every list and aggregate takes, as query parameters; {@link #filter()} checks them (400). */
public class FilterParams {

    /** Most images or groups on one page. */
    static final int MOST_PER_PAGE = 500;
    static final int DEFAULT_PER_PAGE = 50;

    @RestQuery
    public String scanner;
    @RestQuery
    public String slide;
    @RestQuery
    public String batch;
    /** PENDING, DONE or FAILED. */
    @RestQuery
    public String status;
    /** Model name of the image's current run. */
    @RestQuery
    public String model;
    /** Model version of the image's current run. */
    @RestQuery
    public String version;
    /** Uploaded at or after: an ISO instant, or a date (its start, UTC). */
    @RestQuery
    public String uploadedFrom;
    /** Uploaded before. */
    @RestQuery
    public String uploadedTo;
    @RestQuery
    public String detectedFrom;
    @RestQuery
    public String detectedTo;
    /** {@code CLASS:MIN:MAX}, either bound empty for none, e.g. {@code WBC:2:}; repeatable. */
    @RestQuery
    public List<String> count;
    /** NONE, CONFIRMED or CORRECTED. */
    @RestQuery
    public String review;
    /** Only images with (true) or without (false) review flags. */
    @RestQuery
    public Boolean flagged;

    public ImageFilter filter() {
        List<ImageFilter.CountRange> ranges = new ArrayList<>();
        for (String range : count == null ? List.<String>of() : count) {
            ranges.add(countRange(range));
        }
        return new ImageFilter(blankToNull(scanner), blankToNull(slide), blankToNull(batch),
                named(ImageStatus.class, "status", status), blankToNull(model), blankToNull(version),
                instant("uploadedFrom", uploadedFrom), instant("uploadedTo", uploadedTo),
                instant("detectedFrom", detectedFrom), instant("detectedTo", detectedTo), ranges,
                named(ReviewStatus.class, "review", review), flagged);
    }

    static int limit(Integer limit) {
        if (limit == null) {
            return DEFAULT_PER_PAGE;
        }
        if (limit < 1 || limit > MOST_PER_PAGE) {
            throw new InvalidQueryException("limit must be within 1.." + MOST_PER_PAGE + ", was " + limit);
        }
        return limit;
    }

    private static ImageFilter.CountRange countRange(String range) {
        String[] parts = range.split(":", -1);
        if (parts.length != 3) {
            throw new InvalidQueryException("count must be CLASS:MIN:MAX (a bound may be empty), was " + range);
        }
        CellClass cellClass = CellClass.named(parts[0]).orElseThrow(() -> new InvalidQueryException(
                "count names no cell class: " + parts[0] + " (classes: RBC, WBC, Platelets)"));
        Integer min = bound(range, parts[1]);
        Integer max = bound(range, parts[2]);
        if (min != null && max != null && min > max) {
            throw new InvalidQueryException("count's minimum is above its maximum: " + range);
        }
        return new ImageFilter.CountRange(cellClass, min, max);
    }

    private static Integer bound(String range, String bound) {
        if (bound.isBlank()) {
            return null;
        }
        try {
            int value = Integer.parseInt(bound.trim());
            if (value < 0) {
                throw new InvalidQueryException("count bounds are not negative: " + range);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidQueryException("count bounds are whole numbers: " + range);
        }
    }

    static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidQueryException(name + " must be an ISO instant (2026-11-23T10:00:00Z) or date"
                    + " (2026-11-23), was " + value);
        }
    }

    private static <E extends Enum<E>> E named(Class<E> type, String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.name());
            }
            throw new InvalidQueryException(name + " must be one of " + names + ", was " + value);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
