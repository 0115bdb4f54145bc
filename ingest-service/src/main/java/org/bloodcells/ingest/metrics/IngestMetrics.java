package org.bloodcells.ingest.metrics;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.images.UnusableImageException.Reason;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What ops watch on ingest-service ({@code /q/metrics}): images taken (new and already known), the bytes stored,
 * and files rejected, by reason.
 */
@ApplicationScoped
public class IngestMetrics {

    private final MeterRegistry registry;
    private final DistributionSummary storedBytes;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.storedBytes = DistributionSummary.builder("bloodcells.ingest.stored.bytes").baseUnit("bytes")
                .description("sizes of the images stored (new ones only)").register(registry);
    }

    /** An image of an upload, stored and announced ({@code created}) or already known. */
    public void image(boolean created, long bytes) {
        registry.counter("bloodcells.ingest.images", "outcome", created ? "stored" : "known").increment();
        if (created) {
            storedBytes.record(bytes);
        }
    }

    public void rejected(Reason reason) {
        registry.counter("bloodcells.ingest.rejections", "reason", reason.name()).increment();
    }
}
