package org.bloodcells.detect.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bloodcells.detect.config.DetectWorkerConfig;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;

/** Checks the model file for a new version every {@code bloodcells.detector.reload-every}. */
@ApplicationScoped
class ModelFileWatch {

    static final String JOB = "model-file-watch";

    void start(@Observes StartupEvent started, Scheduler scheduler, DetectionModel model, DetectWorkerConfig config) {
        if (config.detector().reloadEvery().isNegative() || config.detector().reloadEvery().isZero()) {
            throw new IllegalStateException("bloodcells.detector.reload-every must be positive, was "
                    + config.detector().reloadEvery());
        }
        String every = config.detector().reloadEvery().toString();
        scheduler.newJob(JOB)
                .setInterval(every)
                .setDelayed(every)
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> model.reloadIfChanged())
                .schedule();
    }
}
