package org.bloodcells.results.audit;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.bloodcells.results.persistence.AuditEntry;
import org.bloodcells.results.query.InvalidQueryException;

/**
 * Writes and reads the audit trail. Entries are written in the transaction of what they record (a review, a
 * deletion, the storing of an upload's or a promotion's event), so an action is never stored without its entry nor
 * the other way round.
 */
@ApplicationScoped
public class AuditTrail {

    /** Longest detail kept, and longest actor and subject (the columns' widths, migration V6). */
    static final int MOST_DETAIL = 2000;
    static final int MOST_NAME = 200;
    /** Most entries one page returns. */
    public static final int MOST_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 100;

    /** An entry as ops read it. */
    public record Record(long id, Instant at, String actor, AuditAction action, String subject, String detail) {
    }

    /** A page of entries, newest first; {@code next} is the cursor of the following page, null at the end. */
    public record Page(List<Record> items, Long next) {
    }

    /** What ops ask for; every field may be null. */
    public record Query(String actor, AuditAction action, String subject, Instant from, Instant to, Integer limit,
            Long before) {
    }

    /** Records an action in the caller's transaction; a second call with the same key adds nothing. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String sourceKey, Instant at, String actor, AuditAction action, String subject, String detail) {
        AuditEntry.add(sourceKey, at, actor(actor), action, cut(subject, MOST_NAME),
                detail == null ? null : cut(detail, MOST_DETAIL));
    }

    /** Who did something as the trail (and a deletion's mark) keeps it: cut to the column, "unknown" for no one. */
    public static String actor(String who) {
        return cut(who == null || who.isBlank() ? "unknown" : who, MOST_NAME);
    }

    /** The entries matching the query, newest first. */
    @Transactional
    public Page find(Query query) {
        int limit = query.limit() == null ? DEFAULT_LIMIT : query.limit();
        if (limit < 1 || limit > MOST_LIMIT) {
            throw new InvalidQueryException("limit must be 1 to " + MOST_LIMIT);
        }
        StringBuilder where = new StringBuilder("1 = 1");
        io.quarkus.panache.common.Parameters parameters = new io.quarkus.panache.common.Parameters();
        if (query.actor() != null) {
            where.append(" and actor = :actor");
            parameters.and("actor", query.actor());
        }
        if (query.action() != null) {
            where.append(" and action = :action");
            parameters.and("action", query.action());
        }
        if (query.subject() != null) {
            where.append(" and subject = :subject");
            parameters.and("subject", query.subject());
        }
        if (query.from() != null) {
            where.append(" and at >= :from");
            parameters.and("from", query.from());
        }
        if (query.to() != null) {
            where.append(" and at < :to");
            parameters.and("to", query.to());
        }
        if (query.before() != null) {
            where.append(" and id < :before");
            parameters.and("before", query.before());
        }
        List<AuditEntry> entries = AuditEntry.<AuditEntry>find(where + " order by id desc", parameters)
                .page(0, limit + 1).list();
        List<Record> items = entries.stream().limit(limit)
                .map(e -> new Record(e.id, e.at, e.actor, e.action, e.subject, e.detail)).toList();
        Long next = entries.size() > limit ? items.get(items.size() - 1).id() : null;
        return new Page(items, next);
    }

    private static String cut(String text, int most) {
        return text.length() > most ? text.substring(0, most) : text;
    }
}
