package org.bloodcells.events;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rule for scanner, slide and batch ids, wherever they are written (an upload's fields, a bucket key's folders,
 * the uploader's flags and folder names): they end up in analysts' URLs and CSV files, so they are 1 to 128 URL-safe
 * characters.
 */
public final class OriginIds {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private OriginIds() {
    }

    /** @return what is wrong with {@code value} as the id called {@code name}; empty when it is a valid id */
    public static Optional<String> problem(String name, String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(name + " is required");
        }
        if (!ID.matcher(value).matches()) {
            return Optional.of(name + " must be 1 to 128 characters of letters, digits, '.', '_', ':' or '-'"
                    + " starting with a letter or digit");
        }
        return Optional.empty();
    }
}
