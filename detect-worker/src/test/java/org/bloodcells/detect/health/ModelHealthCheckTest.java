package org.bloodcells.detect.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import jakarta.inject.Inject;

import org.bloodcells.detect.LocalKafkaAndS3;
import org.bloodcells.detect.model.DetectionModel;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(LocalKafkaAndS3.class)
class ModelHealthCheckTest {

    @Inject
    DetectionModel model;

    @Test
    void readinessNamesTheLoadedModelAndItsVersion() {
        given().when().get("/q/health/ready")
                .then()
                .body("checks.find { it.name == 'model' }.status", is("UP"))
                .body("checks.find { it.name == 'model' }.data.name", is(model.info().name()))
                .body("checks.find { it.name == 'model' }.data.version", is(model.info().version()))
                .body("checks.find { it.name == 'model' }.data.classes", is(String.join(",", model.info().classes())));
    }
}
