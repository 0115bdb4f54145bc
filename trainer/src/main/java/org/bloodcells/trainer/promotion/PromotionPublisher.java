package org.bloodcells.trainer.promotion;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.PromotionSignatures;
import org.bloodcells.events.Topics;
import org.bloodcells.trainer.config.TrainerConfig;
import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Publishes promotions on {@link Topics#MODELS_PROMOTED}, keyed by model name, each signed with the registry's key
 * ({@link PromotionSignatures}), and waits for the broker's ack.
 */
@ApplicationScoped
public class PromotionPublisher {

    /** Longest a promotion waits for Kafka; the producer's own limits (application.properties) stay below it. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<ModelPromoted> promotions;
    private final PromotionSignatures.Signer signer;

    public PromotionPublisher(@Channel(Topics.MODELS_PROMOTED) MutinyEmitter<ModelPromoted> promotions,
            TrainerConfig config) {
        this.promotions = promotions;
        PromotionSignatures.Verifier readers;
        try {
            this.signer = PromotionSignatures.signer(config.promotion().signingKey());
            readers = PromotionSignatures.verifier(config.promotion().publicKey());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("bloodcells.promotion.signing-key or public-key is " + e.getMessage(), e);
        }
        ModelPromoted probe = signer.sign(new ModelPromoted(null, null, "trainer", "key check", Instant.now()));
        readers.problem(probe).ifPresent(problem -> {
            throw new IllegalStateException("bloodcells.promotion.signing-key and public-key are not one key pair ("
                    + problem + "): the workers and results-service would refuse every promotion");
        });
    }

    /** Signs the promotion and publishes it. */
    public void publish(ModelPromoted promotion) {
        ModelPromoted signed = signer.sign(promotion);
        promotions.sendMessage(KafkaRecord.of(signed.model().name(), signed)).await().atMost(ACK_TIMEOUT);
    }
}
