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
 * @param signature  the trainer's Ed25519 signature of the other fields ({@link PromotionSignatures}), Base64; a
 *                   reader acts only on a promotion whose signature its registry's public key verifies
 */
public record ModelPromoted(ModelRef model, String previous, String promotedBy, String reason, Instant promotedAt,
        String signature) {

    /** A promotion not signed yet: only the trainer's publisher signs, just before it sends. */
    public ModelPromoted(ModelRef model, String previous, String promotedBy, String reason, Instant promotedAt) {
        this(model, previous, promotedBy, reason, promotedAt, null);
    }

    /** @return this promotion carrying {@code signature} */
    public ModelPromoted withSignature(String signature) {
        return new ModelPromoted(model, previous, promotedBy, reason, promotedAt, signature);
    }

    /** @return why no reader may act on this promotion; empty when it names a complete version and when */
    public Optional<String> problem() {
        return Rules.firstOf(
                () -> Rules.required("model", model),
                // a lambda: model::problem would dereference the model before the rule above has run
                () -> model.problem(),
                () -> Rules.required("promotedAt", promotedAt));
    }
}
