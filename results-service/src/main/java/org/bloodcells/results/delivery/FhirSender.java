package org.bloodcells.results.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.LockModeType;

import org.bloodcells.results.config.FhirDeliveryConfig;
import org.bloodcells.results.metrics.ResultsMetrics;
import org.bloodcells.results.persistence.FhirOutboxEntry;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Sends the outbox's due entries to the FHIR endpoint, each in a transaction of its own that holds the entry's row
 * locked while the PUT is under way: replicas never send one entry at once, and a crash before the commit leaves
 * the entry as it was, to be sent again as the same PUT (a new version of the same resource, never a second
 * report). Rounds run on a schedule and right after a transaction that enqueued commits, one at a time in this
 * process (a wake-up during a round makes one more round). An entry waits for the earlier entries of its resource, so amendments arrive in order; a failure is
 * kept on the entry and tried again after its back-off, the other resources going on meanwhile.
 */
@ApplicationScoped
public class FhirSender {

    private static final Logger LOG = Logger.getLogger(FhirSender.class);

    /** The next due entry at the head of its resource's queue, that no other sender holds. */
    private static final String NEXT_DUE = """
            select o.id from fhir_outbox o
            where o.state <> 'DELIVERED' and o.next_attempt_at <= ?1
              and not exists (select 1 from fhir_outbox e where e.resource_type = o.resource_type
                              and e.resource_id = o.resource_id and e.state <> 'DELIVERED' and e.id < o.id)
            order by o.next_attempt_at, o.id limit 1
            for update skip locked""";

    private final FhirDeliveryConfig config;
    private final FhirOutbox outbox;
    private final ResultsMetrics metrics;
    private final Backoff backoff;
    private final Clock clock = Clock.systemUTC();
    private final ManagedExecutor executor;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean wanted = new AtomicBoolean();
    private volatile FhirEndpoint endpoint;

    public FhirSender(FhirDeliveryConfig config, FhirOutbox outbox, ResultsMetrics metrics, ManagedExecutor executor) {
        this.config = config;
        this.outbox = outbox;
        this.metrics = metrics;
        this.executor = executor;
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax());
    }

    @Scheduled(every = "${bloodcells.fhir-delivery.poll-interval}", delayed = "${bloodcells.fhir-delivery.poll-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        round();
    }

    /** A signature's entry committed: send it now rather than at the next scheduled round (not in the signer's
     *  thread, which answers the signer meanwhile). */
    void onEnqueued(@Observes(during = TransactionPhase.AFTER_SUCCESS) FhirOutbox.Enqueued enqueued) {
        if (deliveryOn()) {
            executor.execute(this::round);
        }
    }

    /** One round at a time; asked for during one, another follows it. */
    private void round() {
        wanted.set(true);
        while (wanted.get() && running.compareAndSet(false, true)) {
            try {
                wanted.set(false);
                deliverDue();
            } finally {
                running.set(false);
            }
        }
    }

    private void deliverDue() {
        try {
            if (config.endpoint().isPresent()) {
                for (int i = 0; i < config.batchSize() && deliverNext(); i++) {
                    // one entry per transaction
                }
            }
            metrics.outbox(outbox.counts());
        } catch (RuntimeException e) {
            // The database away for a moment: the entries wait in it, the next round goes on.
            LOG.warnf("FHIR delivery round stopped: %s", e.toString());
        }
    }

    /** Sends the next due entry, if any; false when none is due. */
    boolean deliverNext() {
        int seconds = (int) (config.connectTimeout().plus(config.readTimeout()).toSeconds() + 10);
        return QuarkusTransaction.requiringNew().timeout(seconds).call(() -> {
            List<?> ids = FhirOutboxEntry.getEntityManager().createNativeQuery(NEXT_DUE)
                    .setParameter(1, clock.instant()).getResultList();
            if (ids.isEmpty()) {
                return false;
            }
            FhirOutboxEntry entry = FhirOutboxEntry.findById(((Number) ids.get(0)).longValue(),
                    LockModeType.PESSIMISTIC_WRITE);
            send(entry);
            return true;
        });
    }

    private void send(FhirOutboxEntry entry) {
        entry.attempts++;
        try {
            String version = endpoint().put(entry.resourceType, entry.resourceId, entry.payload);
            entry.state = DeliveryState.DELIVERED;
            entry.deliveredAt = clock.instant();
            entry.lastError = null;
            metrics.delivery(true);
            LOG.infof("FHIR %s/%s delivered (outbox entry %d, version %s, attempt %d)", entry.resourceType,
                    entry.resourceId, entry.id, version, entry.attempts);
        } catch (FhirEndpoint.DeliveryFailure e) {
            Instant now = clock.instant();
            entry.state = DeliveryState.FAILED;
            entry.lastError = cut(e.getMessage(), 2000);
            entry.nextAttemptAt = backoff.next(now, entry.attempts);
            metrics.delivery(false);
            LOG.warnf("FHIR %s/%s not delivered (outbox entry %d, attempt %d), again at %s: %s", entry.resourceType,
                    entry.resourceId, entry.id, entry.attempts, entry.nextAttemptAt, entry.lastError);
        }
    }

    private FhirEndpoint endpoint() {
        FhirEndpoint made = endpoint;
        if (made == null) {
            // A context of its own: the client's timeouts are set on it.
            made = new FhirEndpoint(FhirContext.forR4(), config.endpoint().orElseThrow(), config.connectTimeout(),
                    config.readTimeout());
            endpoint = made;
        }
        return made;
    }

    /** Whether reports are delivered at all (an endpoint is configured). */
    public boolean deliveryOn() {
        return config.endpoint().isPresent();
    }

    private static String cut(String text, int most) {
        return text == null || text.length() <= most ? text : text.substring(0, most);
    }
}
