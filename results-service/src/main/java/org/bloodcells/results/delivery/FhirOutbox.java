package org.bloodcells.results.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import org.bloodcells.results.persistence.FhirOutboxEntry;
import org.bloodcells.results.query.InvalidQueryException;
import org.hl7.fhir.instance.model.api.IBaseResource;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/**
 * The FHIR delivery outbox: what the hospital's FHIR endpoint is to receive. A report's resource is enqueued in the
 * transaction that signs it, so it is sent if and only if the signature is stored; {@link FhirSender} sends it after
 * the commit.
 */
@ApplicationScoped
public class FhirOutbox {

    /** FHIR's id rule (R4 {@code id} datatype). */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9.-]{1,64}");
    public static final int MOST_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 100;

    /** An entry as ops read it (the payload left out: it is the report itself). */
    public record Delivery(long id, String resourceType, String resourceId, DeliveryState state, int attempts,
            String lastError, Instant nextAttemptAt, Instant createdAt, Instant deliveredAt) {

        static Delivery of(FhirOutboxEntry e) {
            return new Delivery(e.id, e.resourceType, e.resourceId, e.state, e.attempts, e.lastError,
                    e.state == DeliveryState.DELIVERED ? null : e.nextAttemptAt, e.createdAt, e.deliveredAt);
        }
    }

    /** Entries newest first, with the number in each state and whether delivery is on at all. */
    public record Overview(boolean deliveryOn, Map<DeliveryState, Long> counts, List<Delivery> items) {
    }

    /** Fired in the enqueuing transaction; {@link FhirSender} starts a round once it commits. */
    public record Enqueued(long id) {
    }

    private final IParser parser = FhirContext.forR4Cached().newJsonParser();
    private final Clock clock = Clock.systemUTC();
    private final Event<Enqueued> enqueued;

    public FhirOutbox(Event<Enqueued> enqueued) {
        this.enqueued = enqueued;
    }

    /**
     * Adds a resource to deliver, in the caller's transaction: written with it or not at all. {@code resourceId} is
     * stable per report (an amendment enqueues the same id again, a new version at the hospital). The payload must be
     * a FHIR R4 resource of {@code resourceType}; its id is set to {@code resourceId}, as a PUT requires.
     *
     * @return the entry's id
     * @throws IllegalArgumentException when the id or the payload is not what FHIR accepts
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public long enqueue(String resourceType, String resourceId, String fhirJson) {
        if (resourceId == null || !FHIR_ID.matcher(resourceId).matches()) {
            throw new IllegalArgumentException("a FHIR id is 1 to 64 letters, digits, '-' or '.': " + resourceId);
        }
        IBaseResource resource;
        try {
            resource = parser.parseResource(fhirJson);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not a FHIR R4 resource: " + e.getMessage(), e);
        }
        String type = FhirContext.forR4Cached().getResourceType(resource);
        if (!type.equals(resourceType)) {
            throw new IllegalArgumentException("the payload is a " + type + ", not a " + resourceType);
        }
        resource.setId(resourceType + "/" + resourceId);
        FhirOutboxEntry entry = new FhirOutboxEntry();
        entry.resourceType = resourceType;
        entry.resourceId = resourceId;
        entry.payload = parser.encodeResourceToString(resource);
        entry.state = DeliveryState.PENDING;
        entry.createdAt = clock.instant();
        entry.nextAttemptAt = entry.createdAt;
        entry.persist();
        enqueued.fire(new Enqueued(entry.id));
        return entry.id;
    }

    /** What ops see: entries newest first, optionally of one state or one resource id. */
    @Transactional
    public Overview overview(boolean deliveryOn, DeliveryState state, String resourceId, Integer limit) {
        int most = limit == null ? DEFAULT_LIMIT : limit;
        if (most < 1 || most > MOST_LIMIT) {
            throw new InvalidQueryException("limit must be 1 to " + MOST_LIMIT);
        }
        StringBuilder where = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (state != null) {
            where.append(" and state = :state");
            parameters.and("state", state);
        }
        if (resourceId != null) {
            where.append(" and resourceId = :resourceId");
            parameters.and("resourceId", resourceId);
        }
        List<Delivery> items = FhirOutboxEntry.<FhirOutboxEntry>find(where.toString(), Sort.descending("id"), parameters)
                .page(0, most).list().stream().map(Delivery::of).toList();
        return new Overview(deliveryOn, counts(), items);
    }

    /** The number of entries in each state. */
    @Transactional
    public Map<DeliveryState, Long> counts() {
        Map<DeliveryState, Long> counts = new EnumMap<>(DeliveryState.class);
        for (DeliveryState s : DeliveryState.values()) {
            counts.put(s, 0L);
        }
        List<Object[]> rows = FhirOutboxEntry.getEntityManager()
                .createQuery("select e.state, count(e) from FhirOutboxEntry e group by e.state", Object[].class)
                .getResultList();
        for (Object[] row : rows) {
            counts.put((DeliveryState) row[0], (Long) row[1]);
        }
        return counts;
    }
}
