package org.bloodcells.detect.health;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.detect.model.DetectionModel;
import org.bloodcells.detect.model.ModelPromotions;
import org.bloodcells.detection.ModelInfo;
import org.bloodcells.detection.ScannerScales;
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
    private final ModelPromotions promotions;
    private final ScannerScales scannerScales;

    public ModelHealthCheck(DetectionModel model, ModelPromotions promotions, ScannerScales scannerScales) {
        this.model = model;
        this.promotions = promotions;
        this.scannerScales = scannerScales;
    }

    @Override
    public HealthCheckResponse call() {
        DetectionModel.Running running = model.running();
        ModelInfo info = running.model();
        var response = HealthCheckResponse.named("model").up();
        String rejected = promotions.lastRejection();
        if (rejected != null) {
            // still up: the running version serves; ops see which version was refused, and why
            response = response.withData("rejected", rejected);
        }
        Map<String, Double> learned = scannerScales.learned();
        if (!learned.isEmpty()) {
            // what ops may declare in ingest instead (bloodcells.upload.scanner-microns-per-pixel)
            response = response.withData("scannerMicronsPerPixel", learned.entrySet().stream()
                    .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.5f", e.getValue()))
                    .collect(Collectors.joining(",")));
        }
        return response
                .withData("name", info.name())
                .withData("version", info.version())
                .withData("classes", String.join(",", info.classes()))
                .withData("inputSize", info.inputSize())
                .withData("sha256", running.sha256())
                .withData("source", running.source())
                .withData("postProcessing", running.settings().describe())
                .withData("executionProvider", running.provider().used().label())
                .withData("executionProviderRequested", running.provider().requested().label())
                .build();
    }
}
