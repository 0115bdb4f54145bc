package org.bloodcells.results.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.results.delivery.DeliveryState;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * What ops watch on results-service ({@code /q/metrics}): events stored and duplicates ignored, per topic, storing
 * retried through transient database failures, and records parked on the dead-letter topic because they can never
 * be stored; and the delivery of reports to the hospital's FHIR endpoint (the outbox's entries per state, PUTs
 * delivered and failed).
 */
@ApplicationScoped
public class ResultsMetrics {

    private final MeterRegistry registry;

    private final Map<DeliveryState, AtomicLong> outbox = new EnumMap<>(DeliveryState.class);

    public ResultsMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (DeliveryState state : DeliveryState.values()) {
            outbox.put(state, registry.gauge("bloodcells.results.fhir.outbox", Tags.of("state", state.name()),
                    new AtomicLong()));
        }
    }

    /** The outbox's entries per state, as the sender last counted them. */
    public void outbox(Map<DeliveryState, Long> counts) {
        counts.forEach((state, count) -> outbox.get(state).set(count));
    }

    /** One PUT to the FHIR endpoint: accepted, or failed (tried again later). */
    public void delivery(boolean delivered) {
        registry.counter("bloodcells.results.fhir.deliveries", "outcome", delivered ? "delivered" : "failed")
                .increment();
    }

    /** An event applied, after its transaction committed; {@code stored} false: a duplicate, ignored. */
    public void applied(String topic, boolean stored) {
        registry.counter("bloodcells.results.events", "topic", topic, "outcome", stored ? "stored" : "duplicate")
                .increment();
    }

    /** An event's storing failed transiently (the database away for a moment) and is tried again. */
    public void retried(String topic) {
        registry.counter("bloodcells.results.retries", "topic", topic).increment();
    }

    public void parked(String topic) {
        registry.counter("bloodcells.results.parked", "topic", topic).increment();
    }
}
