package org.bloodcells.results.query;

import java.util.ArrayList;
import java.util.List;

import org.bloodcells.results.service.CellClass;

/**
 * CSV rows (RFC 4180) for spreadsheets: fields with a comma, quote or line break quoted, and a field that a
 * spreadsheet would take for a formula (starting with = + - @) prefixed with a quote, so that ids sent by scanners
 * cannot run in an analyst's spreadsheet.
 */
final class Csv {

    static final String IMAGE_HEADER;

    static {
        List<String> header = new ArrayList<>(List.of("image_id", "status", "scanner_id", "slide_id", "batch_id",
                "uploaded_at", "detected_at", "model_name", "model_version"));
        for (CellClass c : CellClass.values()) {
            header.add(c.label());
        }
        for (CellClass c : CellClass.values()) {
            header.add(c.label() + "_model");
        }
        header.addAll(List.of("review_status", "flags"));
        IMAGE_HEADER = line(header);
    }

    private Csv() {
    }

    static String aggregateHeader(Grouping by, String basis) {
        List<String> header = new ArrayList<>(List.of(by.label(), "images", "done", "pending", "failed",
                "corrected_images"));
        for (CellClass c : CellClass.values()) {
            header.add(c.label() + "_" + basis);
        }
        return line(header);
    }

    static String image(ImageRow row) {
        List<Object> fields = new ArrayList<>(List.of(row.imageId(), row.status(), nullable(row.scannerId()),
                nullable(row.slideId()), nullable(row.batchId()), nullable(row.uploadedAt()),
                nullable(row.detectedAt()), nullable(row.modelName()), nullable(row.modelVersion())));
        for (CellClass c : CellClass.values()) {
            fields.add(nullable(row.counts().get(c.label())));
        }
        for (CellClass c : CellClass.values()) {
            fields.add(nullable(row.modelCounts().get(c.label())));
        }
        fields.add(row.reviewStatus());
        fields.add(String.join("; ", row.flags()));
        return line(fields);
    }

    static String aggregate(Aggregate group) {
        List<Object> fields = new ArrayList<>(List.of(group.key(), group.images(), group.done(), group.pending(),
                group.failed(), group.correctedImages()));
        for (CellClass c : CellClass.values()) {
            fields.add(group.counts().getOrDefault(c.label(), 0L));
        }
        return line(fields);
    }

    private static Object nullable(Object value) {
        return value == null ? "" : value;
    }

    static String line(List<?> fields) {
        StringBuilder line = new StringBuilder();
        for (Object field : fields) {
            if (!line.isEmpty()) {
                line.append(',');
            }
            line.append(field(String.valueOf(field)));
        }
        return line.append("\r\n").toString();
    }

    static String field(String value) {
        String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0 || safe.indexOf('\r') >= 0) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }
}
