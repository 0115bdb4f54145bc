package org.bloodcells.events;

import java.time.Instant;
import java.util.Optional;

/**
 * The trainer promoted a version: every detect-worker replica runs it from its next batch on (rolling back is
 * promoting an earlier version). Keyed by the model's name on a one-partition topic, so the last event is the
 * version in force.
 *
 * @param model      the version now in force
 * @param previous   the version it replaces, null for the first
 * @param promotedBy who promoted it
 * @param reason     the override's reason when the promotion gate was overridden, else null
 * @param promotedAt when
 */
public record ModelPromoted(ModelRef model, String previous, String promotedBy, String reason, Instant promotedAt) {

    /** @return why no reader may act on this promotion; empty when it names a complete version and when */
    public Optional<String> problem() {
        return Rules.firstOf(
                () -> Rules.required("model", model),
                // a lambda: model::problem would dereference the model before the rule above has run
                () -> model.problem(),
                () -> Rules.required("promotedAt", promotedAt));
    }
}
