package org.bloodcells.results.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points results-service's delivery at a free port of this machine, where {@code FhirDeliveryTest} runs the
 * hospital's FHIR server (and takes it down and back) itself.
 */
public class FhirEndpointPort implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Map.of("bloodcells.fhir-delivery.endpoint", "http://127.0.0.1:" + socket.getLocalPort() + "/fhir");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
