package org.bloodcells.results.query;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bloodcells.results.service.CellClass;
import org.bloodcells.results.service.ImageStatus;

/**
 * Aggregates per day from {@code image_day_totals} (migration V4: totals per UTC day and scanner, kept by a trigger)
 * for the whole days of the range, and from the images themselves for the partial days at its ends: a month or a
 * year costs a few hundred rows. It answers when the filters are the scanner, the status and the upload time; any
 * other filter needs the images.
 */
final class DayTotals {

    private DayTotals() {
    }

    /** The statement, or empty when these filters need the images (or the range holds no whole day). */
    static Optional<Statement> statement(ImageFilter filter, boolean reviewed) {
        if (!answers(filter)) {
            return Optional.empty();
        }
        Instant from = filter.uploadedFrom();
        Instant to = filter.uploadedTo();
        LocalDate firstWhole = from == null ? null : ceilToDay(from);
        LocalDate endWhole = to == null ? null : to.atOffset(ZoneOffset.UTC).toLocalDate();
        if (firstWhole != null && endWhole != null && !firstWhole.isBefore(endWhole)) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();

        // With a status, the images are those of the status, and cells (summed over DONE images) count for DONE only.
        ImageStatus status = filter.status();
        boolean cells = status == null || status == ImageStatus.DONE;
        StringBuilder totals = new StringBuilder("select day, ")
                .append(status == null ? "images" : status.name().toLowerCase()).append(" as images, ")
                .append(only(status, ImageStatus.DONE, "done")).append(" as done, ")
                .append(only(status, ImageStatus.PENDING, "pending")).append(" as pending, ")
                .append(only(status, ImageStatus.FAILED, "failed")).append(" as failed, ")
                .append(cells ? "corrected_images" : "0").append(" as corrected_images");
        for (CellClass c : CellClass.values()) {
            totals.append(", ").append(cells ? column(c, reviewed) : "0").append(" as ").append(column(c, reviewed));
        }
        SqlBuilder whole = new SqlBuilder();
        whole.and("day >= ?", firstWhole);
        whole.and("day < ?", endWhole);
        whole.and("scanner_id = ?", filter.scanner());
        parts.add(totals.append(" from image_day_totals").append(whole.where()).toString());
        parameters.addAll(whole.statement("").parameters());

        if (from != null && from.isBefore(start(firstWhole))) {
            addImages(parts, parameters, from, start(firstWhole), filter, reviewed);
        }
        if (to != null && to.isAfter(start(endWhole))) {
            addImages(parts, parameters, start(endWhole), to, filter, reviewed);
        }
        StringBuilder sql = new StringBuilder("select day::text as group_key, sum(images)::bigint,"
                + " sum(done)::bigint, sum(pending)::bigint, sum(failed)::bigint, sum(corrected_images)::bigint");
        for (CellClass c : CellClass.values()) {
            sql.append(", sum(").append(column(c, reviewed)).append(")::bigint");
        }
        sql.append(" from (").append(String.join(" union all ", parts)).append(") parts")
                .append(" group by day having sum(images) > 0 order by day");
        return Optional.of(new Statement(sql.toString(), parameters));
    }

    private static boolean answers(ImageFilter f) {
        return f.slide() == null && f.batch() == null && f.model() == null
                && f.version() == null && f.detectedFrom() == null && f.detectedTo() == null && f.counts().isEmpty()
                && f.review() == null && f.flagged() == null;
    }

    /** A partial day's images, summed as the totals are. */
    private static void addImages(List<String> parts, List<Object> parameters, Instant from, Instant to,
            ImageFilter filter, boolean reviewed) {
        SqlBuilder range = new SqlBuilder();
        range.and("uploaded_at >= ?", SqlBuilder.timestamp(from));
        range.and("uploaded_at < ?", SqlBuilder.timestamp(to));
        range.and("scanner_id = ?", filter.scanner());
        range.and("status = ?", filter.status() == null ? null : filter.status().name());
        StringBuilder images = new StringBuilder("select (uploaded_at at time zone 'UTC')::date as day, ")
                .append(ImageSearch.sums(reviewed));
        parts.add(images.append(" from image").append(range.where())
                .append(" group by (uploaded_at at time zone 'UTC')::date").toString());
        parameters.addAll(range.statement("").parameters());
    }

    /** The status's column when the filter names none or this one, else 0. */
    private static String only(ImageStatus filtered, ImageStatus status, String column) {
        return filtered == null || filtered == status ? column : "0";
    }

    private static String column(CellClass c, boolean reviewed) {
        return c.column() + (reviewed ? "_reported" : "");
    }

    private static LocalDate ceilToDay(Instant instant) {
        LocalDate day = instant.atOffset(ZoneOffset.UTC).toLocalDate();
        return start(day).equals(instant) ? day : day.plusDays(1);
    }

    private static Instant start(LocalDate day) {
        return day == null ? Instant.MAX : day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
