package org.bloodcells.detect.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;

/** Applies every promotion read after start-up (the one in force at start-up was applied by DetectionModel). */
@ApplicationScoped
class PromotionFollower {

    void start(@Observes StartupEvent started, ModelPromotions promotions, DetectionModel model) {
        Thread thread = new Thread(() -> promotions.follow(promotion -> model.apply(promotion.model()), model::refuse),
                "model-promotions");
        thread.setDaemon(true);
        thread.start();
    }
}
