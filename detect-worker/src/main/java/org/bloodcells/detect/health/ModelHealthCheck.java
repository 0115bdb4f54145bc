package org.bloodcells.detect.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.detect.model.DetectionModel;
import org.bloodcells.detection.ModelInfo;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Tells operators which model version this replica runs, and with which post-processing; it is up once the model
 * is loaded.
 */
@Readiness
@ApplicationScoped
public class ModelHealthCheck implements HealthCheck {

    private final DetectionModel model;

    public ModelHealthCheck(DetectionModel model) {
        this.model = model;
    }

    @Override
    public HealthCheckResponse call() {
        DetectionModel.Running running = model.running();
        ModelInfo info = running.model();
        return HealthCheckResponse.named("model")
                .up()
                .withData("name", info.name())
                .withData("version", info.version())
                .withData("classes", String.join(",", info.classes()))
                .withData("inputSize", info.inputSize())
                .withData("postProcessing", running.settings().describe())
                .withData("executionProvider", running.provider().used().label())
                .withData("executionProviderRequested", running.provider().requested().label())
                .build();
    }
}
