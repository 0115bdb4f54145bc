package org.bloodcells.results.query;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Where the next page starts: the last row's sort value and image id (lists) or the last group's key
 * (aggregates), opaque to clients.
 */
public record Cursor(String value, String imageId) {

    public String encode() {
        String text = value + "\n" + (imageId == null ? "" : imageId);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a client sent back; null when none. */
    public static Cursor decode(String encoded) {
        if (encoded == null || encoded.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
            int cut = text.indexOf('\n');
            if (cut < 0) {
                throw new IllegalArgumentException("no separator");
            }
            String id = text.substring(cut + 1);
            return new Cursor(text.substring(0, cut), id.isEmpty() ? null : id);
        } catch (IllegalArgumentException e) {
            throw new InvalidQueryException("cursor is not one this service gave out");
        }
    }

    double number() {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new InvalidQueryException("cursor is not one this service gave out");
        }
    }

    Instant instant() {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidQueryException("cursor is not one this service gave out");
        }
    }
}
