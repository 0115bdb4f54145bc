package org.bloodcells.trainer.promotion;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.Topics;
import org.eclipse.microprofile.reactive.messaging.Channel;

import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.MutinyEmitter;

/** Publishes promotions on {@link Topics#MODELS_PROMOTED}, keyed by model name, and waits for the broker's ack. */
@ApplicationScoped
public class PromotionPublisher {

    /** Longest a promotion waits for Kafka; the producer's own limits (application.properties) stay below it. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<ModelPromoted> promotions;

    public PromotionPublisher(@Channel(Topics.MODELS_PROMOTED) MutinyEmitter<ModelPromoted> promotions) {
        this.promotions = promotions;
    }

    public void publish(ModelPromoted promotion) {
        promotions.sendMessage(KafkaRecord.of(promotion.model().name(), promotion)).await().atMost(ACK_TIMEOUT);
    }
}
