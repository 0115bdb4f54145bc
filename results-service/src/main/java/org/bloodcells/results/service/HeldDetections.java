package org.bloodcells.results.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.ModelRef;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Stores the detections held for a version once the registry made it known (KnownVersions): each in a transaction
 * of its own, like a record just received, and then forgotten. A crash in between leaves the rest held, and the
 * next call (the promotion's re-delivery, or the next promotion or re-processing of the version) goes on.
 */
@ApplicationScoped
public class HeldDetections {

    private static final Logger LOG = Logger.getLogger(HeldDetections.class);

    private final KnownVersions known;
    private final ResultRecorder recorder;
    private final ObjectMapper json;

    public HeldDetections(KnownVersions known, ResultRecorder recorder, ObjectMapper json) {
        this.known = known;
        this.recorder = recorder;
        this.json = json;
    }

    /** @return how many held runs of the version were stored now */
    public int release(ModelRef model) {
        int stored = 0;
        for (KnownVersions.Held held : known.held(model.name(), model.version())) {
            CellDetections event = read(held.record());
            boolean fresh = QuarkusTransaction.requiringNew().call(() -> {
                ResultRecorder.Recorded recorded = recorder.recordDetections(event, held.record());
                known.release(held.imageId(), model.name(), model.version());
                return recorded == ResultRecorder.Recorded.STORED;
            });
            stored += fresh ? 1 : 0;
        }
        if (stored > 0) {
            LOG.infof("%d held runs of %s %s stored: the registry vouched for the version", stored, model.name(),
                    model.version());
        }
        return stored;
    }

    private CellDetections read(String record) {
        try {
            return json.readValue(record, CellDetections.class);
        } catch (JsonProcessingException e) {
            // It was read before it was held: this is a bug, not a record to skip.
            throw new IllegalStateException("a held detections record no longer reads: " + e.getOriginalMessage(), e);
        }
    }
}
