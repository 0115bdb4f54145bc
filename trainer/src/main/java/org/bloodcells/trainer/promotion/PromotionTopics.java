package org.bloodcells.trainer.promotion;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.bloodcells.events.Topics;

/**
 * Creates the model topics where they do not exist: one partition each, so every reader sees promotions in order;
 * {@code models-promoted} compacted by model name, so its last record per model (the version in force) is kept for
 * good, for a worker that starts a year after the promotion.
 */
public final class PromotionTopics {

    private PromotionTopics() {
    }

    /** @param kafka the client settings of every {@code kafka.*} property: the brokers and the trainer's login */
    public static void ensure(Map<String, Object> kafka) {
        try (Admin admin = Admin.create(kafka)) {
            List<NewTopic> topics = List.of(
                    new NewTopic(Topics.MODELS_PROMOTED, Optional.of(1), Optional.empty())
                            .configs(Topics.MODELS_PROMOTED_CONFIG),
                    new NewTopic(Topics.MODELS_REJECTED, Optional.of(1), Optional.empty()));
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the model topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not create the model topics within 30 s", e);
        }
    }
}
