package org.bloodcells.results.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A where clause and its parameters, built condition by condition; a condition whose value is null is left out. */
final class SqlBuilder {

    private final StringBuilder where = new StringBuilder();
    private final List<Object> parameters = new ArrayList<>();

    /** Adds {@code condition} (with one {@code ?} per value) unless a value is null. */
    SqlBuilder and(String condition, Object... values) {
        for (Object value : values) {
            if (value == null) {
                return this;
            }
        }
        where.append(where.isEmpty() ? " where " : " and ").append(condition);
        parameters.addAll(List.of(values));
        return this;
    }

    String where() {
        return where.toString();
    }

    /** {@code sql} with this builder's parameters, then {@code extra} after them. */
    Statement statement(String sql, Object... extra) {
        List<Object> all = new ArrayList<>(parameters);
        all.addAll(List.of(extra));
        return new Statement(sql, all);
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
