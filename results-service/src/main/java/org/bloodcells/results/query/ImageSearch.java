package org.bloodcells.results.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.results.service.CellClass;
import org.bloodcells.results.service.ImageStatus;
import org.bloodcells.results.service.ReviewStatus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Lists and aggregates over the images' rows (plain SQL: the filters make the query, indexes of migration V4 answer
 * it). Pages are keyset-paged (the cursor is the last row's sort value and id), so a page deep in a million images
 * costs what the first one does; CSV reads the same query through a database cursor and writes rows as they come.
 */
@ApplicationScoped
public class ImageSearch {

    /** Rows fetched from the database at a time while streaming CSV. */
    private static final int FETCH_SIZE = 1000;

    private static final String COLUMNS = "image_id, status, scanner_id, slide_id, batch_id, uploaded_at, detected_at,"
            + " model_name, model_version, rbc, wbc, platelets, rbc_reported, wbc_reported, platelets_reported,"
            + " review_status, review_flags::text as review_flags, doubt";

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /** What lists are sorted by (the image id breaks ties). */
    public enum SortKey {
        UPLOADED_AT("uploaded_at"), DETECTED_AT("detected_at"),
        /** how likely the current run's counts are wrong: the review queue's order, most doubtful first */
        DOUBT("doubt");

        final String column;

        SortKey(String column) {
            this.column = column;
        }

        public static SortKey parse(String sort) {
            if (sort == null || sort.isBlank() || sort.equals("uploadedAt")) {
                return UPLOADED_AT;
            }
            if (sort.equals("detectedAt")) {
                return DETECTED_AT;
            }
            throw new InvalidQueryException("sort must be uploadedAt or detectedAt, was " + sort);
        }
    }

    /** A list's order. */
    public record Order(SortKey key, boolean descending) {
    }

    private final DataSource dataSource;
    private final ObjectMapper json;

    public ImageSearch(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** The SQL of a list page (one row more than the page, to know whether another follows). */
    public static Statement listStatement(ImageFilter filter, Order order, int limit, Cursor after) {
        SqlBuilder sql = listQuery(filter, order, after);
        return sql.statement("select " + COLUMNS + " from image" + sql.where() + orderBy(order) + " limit ?",
                limit + 1);
    }

    /** The SQL of an aggregate page (one group more than the page; every day of the range for days). */
    public static Statement aggregateStatement(ImageFilter filter, Grouping by, boolean reviewed, int limit,
            Cursor after) {
        return aggregateStatement(filter, by, reviewed, after,
                by == Grouping.DAY ? OptionalInt.empty() : OptionalInt.of(limit + 1));
    }

    /** @param rows the most groups read; none: every group (days are never paged: a day range is the whole answer) */
    private static Statement aggregateStatement(ImageFilter filter, Grouping by, boolean reviewed, Cursor after,
            OptionalInt rows) {
        if (by == Grouping.DAY) {
            Optional<Statement> fromTotals = DayTotals.statement(filter, reviewed);
            if (fromTotals.isPresent()) {
                return fromTotals.get();
            }
        }
        SqlBuilder sql = aggregateQuery(filter, by, after);
        String query = aggregateSql(by, reviewed, sql, filter);
        return rows.isPresent() ? sql.statement(query + " limit ?", rows.getAsInt()) : sql.statement(query);
    }

    public Page<ImageRow> list(ImageFilter filter, Order order, int limit, Cursor after) {
        List<ImageRow> rows = rows(listStatement(filter, order, limit, after), this::row);
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            ImageRow last = rows.get(limit - 1);
            String value = switch (order.key()) {
                case UPLOADED_AT -> last.uploadedAt().toString();
                case DETECTED_AT -> last.detectedAt().toString();
                case DOUBT -> Double.toString(last.doubt());
            };
            next = new Cursor(value, last.imageId()).encode();
        }
        return new Page<>(List.copyOf(rows), next, limit);
    }

    /** Every image the filter covers, in the list's order, as CSV rows written while the database reads them. */
    public void csv(ImageFilter filter, Order order, Writer out) throws IOException {
        SqlBuilder sql = listQuery(filter, order, null);
        stream(sql.statement("select " + COLUMNS + " from image" + sql.where() + orderBy(order)), out,
                Csv.IMAGE_HEADER, rs -> Csv.image(row(rs)));
    }

    public AggregatePage aggregate(ImageFilter filter, Grouping by, boolean reviewed, int limit, Cursor after) {
        boolean paged = by != Grouping.DAY;
        List<Aggregate> groups = rows(aggregateStatement(filter, by, reviewed, limit, after), ImageSearch::aggregate);
        String next = null;
        if (paged && groups.size() > limit) {
            groups = groups.subList(0, limit);
            next = new Cursor(groups.get(limit - 1).key(), null).encode();
        }
        return new AggregatePage(by.label(), basis(reviewed), List.copyOf(groups), next);
    }

    public void aggregateCsv(ImageFilter filter, Grouping by, boolean reviewed, Writer out) throws IOException {
        stream(aggregateStatement(filter, by, reviewed, null, OptionalInt.empty()), out,
                Csv.aggregateHeader(by, basis(reviewed)), rs -> Csv.aggregate(aggregate(rs)));
    }

    public static String basis(boolean reviewed) {
        return reviewed ? "reviewed" : "model";
    }

    private static SqlBuilder listQuery(ImageFilter filter, Order order, Cursor after) {
        SqlBuilder sql = new SqlBuilder();
        sql.and("uploaded_at is not null");
        filter.where(sql);
        String column = order.key().column;
        if (order.key() != SortKey.UPLOADED_AT) {
            sql.and(column + " is not null");
        }
        if (after != null) {
            sql.and("(" + column + ", image_id) " + (order.descending() ? "<" : ">") + " (?, ?)",
                    order.key() == SortKey.DOUBT ? after.number() : SqlBuilder.timestamp(after.instant()),
                    after.imageId());
        }
        return sql;
    }

    private static String orderBy(Order order) {
        String direction = order.descending() ? " desc" : "";
        return " order by " + order.key().column + direction + ", image_id" + direction;
    }

    private static SqlBuilder aggregateQuery(ImageFilter filter, Grouping by, Cursor after) {
        SqlBuilder sql = new SqlBuilder();
        sql.and("uploaded_at is not null");
        filter.where(sql);
        if (by != Grouping.DAY) {
            sql.and(by.key + " is not null");
            if (after != null) {
                sql.and(by.key + " > ?", after.value());
            }
        }
        return sql;
    }

    private static String aggregateSql(Grouping by, boolean reviewed, SqlBuilder sql, ImageFilter filter) {
        // Grouped by the key itself (a day is a date: hashed, not sorted as text), named as text.
        String aggregate = "select (" + by.key + ")::text as group_key, " + sums(reviewed) + " from %s"
                + " group by " + by.key + " order by " + by.key;
        boolean timeRange = filter.uploadedFrom() != null || filter.uploadedTo() != null;
        if (by != Grouping.DAY && timeRange && filter.batch() == null && filter.slide() == null) {
            // The images of the time range first (a subquery the planner keeps apart: offset 0), then their groups.
            // Left to itself, the planner walks the key's index in key order to stop at the page's end, expecting
            // the range's images all along it; but keys follow time (a month's batches are the last ones), and the
            // walk would cross every image.
            return aggregate.formatted("(select " + MATCHING_COLUMNS + " from image" + sql.where()
                    + " offset 0) matching");
        }
        return aggregate.formatted("image" + sql.where());
    }

    /** What an aggregate reads of each image. */
    private static final String MATCHING_COLUMNS = "scanner_id, slide_id, batch_id, uploaded_at, status,"
            + " review_status, rbc, wbc, platelets, rbc_reported, wbc_reported, platelets_reported";

    /** An aggregate's columns after its key: images, done, pending, failed, corrected, then cells per class. */
    static String sums(boolean reviewed) {
        StringBuilder select = new StringBuilder("count(*),")
                .append(" count(*) filter (where status = 'DONE'), count(*) filter (where status = 'PENDING'),")
                .append(" count(*) filter (where status = 'FAILED'),")
                .append(" count(*) filter (where status = 'DONE' and review_status = 'CORRECTED')");
        for (CellClass c : CellClass.values()) {
            select.append(", coalesce(sum(").append(c.column()).append(reviewed ? "_reported" : "")
                    .append(") filter (where status = 'DONE'), 0)");
        }
        return select.toString();
    }

    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Every row of the statement, read into memory (a page: at most a page's rows and one more). */
    private <T> List<T> rows(Statement query, RowReader<T> reader) {
        List<T> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = query.prepare(connection);
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                rows.add(reader.read(rs));
            }
        } catch (SQLException e) {
            throw new SearchUnavailableException(e);
        }
        return rows;
    }

    private void stream(Statement query, Writer out, String header, RowReader<String> rowWriter) throws IOException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            // PostgreSQL's driver uses a server-side cursor (fetch size) only inside a transaction.
            connection.setAutoCommit(false);
            try (PreparedStatement statement = query.prepare(connection)) {
                statement.setFetchSize(FETCH_SIZE);
                out.write(header);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        out.write(rowWriter.read(rs));
                    }
                }
                out.flush();
            } finally {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new SearchUnavailableException(e);
        }
    }

    private ImageRow row(ResultSet rs) throws SQLException {
        Map<String, Integer> model = new LinkedHashMap<>();
        Map<String, Integer> reported = new LinkedHashMap<>();
        for (CellClass c : CellClass.values()) {
            putIfPresent(model, c.label(), rs, c.column());
            putIfPresent(reported, c.label(), rs, c.column() + "_reported");
        }
        return new ImageRow(rs.getString("image_id"), ImageStatus.valueOf(rs.getString("status")),
                rs.getString("scanner_id"), rs.getString("slide_id"), rs.getString("batch_id"),
                instant(rs, "uploaded_at"), instant(rs, "detected_at"), rs.getString("model_name"),
                rs.getString("model_version"), reported, model, ReviewStatus.valueOf(rs.getString("review_status")),
                flags(rs.getString("review_flags")), rs.getDouble("doubt"));
    }

    private static Aggregate aggregate(ResultSet rs) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        int column = 7;
        for (CellClass c : CellClass.values()) {
            counts.put(c.label(), rs.getLong(column++));
        }
        return new Aggregate(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), counts);
    }

    private static void putIfPresent(Map<String, Integer> counts, String label, ResultSet rs, String column)
            throws SQLException {
        int n = rs.getInt(column);
        if (!rs.wasNull()) {
            counts.put(label, n);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private List<String> flags(String text) {
        try {
            return text == null ? List.of() : json.readValue(text, STRINGS);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The database did not answer a search (503, retry). */
    public static class SearchUnavailableException extends RuntimeException {
        SearchUnavailableException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
