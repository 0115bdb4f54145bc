package org.bloodcells.events;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/** The pieces the events' {@code problem()} methods are written with. */
final class Rules {

    private Rules() {
    }

    /** The first problem of the rules, tried in order: a later rule may count on the earlier ones holding. */
    @SafeVarargs
    static Optional<String> firstOf(Supplier<Optional<String>>... rules) {
        return Arrays.stream(rules).map(Supplier::get).flatMap(Optional::stream).findFirst();
    }

    static Optional<String> required(String field, String value) {
        return value == null || value.isBlank() ? Optional.of(field + " is required") : Optional.empty();
    }

    static Optional<String> required(String field, Object value) {
        return value == null ? Optional.of(field + " is required") : Optional.empty();
    }
}
