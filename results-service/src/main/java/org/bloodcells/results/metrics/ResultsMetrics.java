package org.bloodcells.results.metrics;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * What ops watch on results-service ({@code /q/metrics}): events stored and duplicates ignored, per topic, storing
 * retried through transient database failures, and records parked on the dead-letter topic because they can never
 * be stored.
 */
@ApplicationScoped
public class ResultsMetrics {

    private final MeterRegistry registry;

    public ResultsMetrics(MeterRegistry registry) {
        this.registry = registry;
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
