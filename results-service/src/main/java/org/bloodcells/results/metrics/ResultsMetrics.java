package org.bloodcells.results.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.results.delivery.DeliveryState;

import io.micrometer.core.instrument.Gauge;
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

    private static final String OUTBOX = "bloodcells.results.fhir.outbox";

    private final Map<DeliveryState, AtomicLong> outbox = new EnumMap<>(DeliveryState.class);

    public ResultsMetrics(MeterRegistry registry) {
        this.registry = registry;
        // A gauge of an earlier start in this JVM (Quarkus tests restart the application on a registry that
        // outlives it) would keep its stale value: this start's gauges replace it.
        registry.find(OUTBOX).meters().forEach(registry::remove);
        for (DeliveryState state : DeliveryState.values()) {
            AtomicLong count = new AtomicLong();
            Gauge.builder(OUTBOX, count, AtomicLong::get).tags(Tags.of("state", state.name())).strongReference(true)
                    .description("FHIR delivery outbox entries per state").register(registry);
            outbox.put(state, count);
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
