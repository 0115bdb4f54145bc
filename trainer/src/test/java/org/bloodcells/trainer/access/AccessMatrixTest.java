package org.bloodcells.trainer.access;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.bloodcells.http.Roles;
import org.bloodcells.testsupport.AccessMatrix;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.bloodcells.trainer.api.ModelResource;
import org.bloodcells.trainer.api.TrainingRunResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The trainer's endpoints × every kind of caller with real tokens: ops promote; the training pipeline (role trainer)
 * starts runs that register candidates; both read the registry and the runs; analysts and scanners get nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class AccessMatrixTest {

    @TestHTTPResource("/")
    URL trainer;

    @Test
    void opsPromoteTheTrainingPipelineStartsRunsAndNobodyElseIsLetIn() throws Exception {
        String name = given().when().get("/models").then().statusCode(200).extract().path("[0].name");
        String version = given().when().get("/models").then().statusCode(200).extract().path("[0].version");
        String model = "/models/" + name + "/" + version;
        byte[] unrunnable = "{\"dataset\":\"no-such-dataset\",\"epochs\":1}".getBytes(StandardCharsets.UTF_8);
        AccessMatrix matrix = new AccessMatrix(URI.create(trainer.toString()), "scanner-7")
                .row("GET", "/models", "/models", 200, Roles.OPS, Roles.TRAINER)
                .row("GET", "/models/{name}/{version}", model, 200, Roles.OPS, Roles.TRAINER)
                .row("GET", "/models/{name}/{version}/history", model + "/history", 200, Roles.OPS, Roles.TRAINER)
                // The version in force promoted again: 200, nothing changes.
                .row("POST", "/models/{name}/{version}/promote", model + "/promote", 200, "application/json",
                        "{}".getBytes(StandardCharsets.UTF_8), null, Roles.OPS)
                // A request that would start a real training is not made here: one naming no dataset shows the
                // trainer past access to its 400 (ModelRegistryTest starts and cancels a real run).
                .row("POST", "/training-runs", "/training-runs", 400, "application/json", unrunnable,
                        "no such dataset", Roles.TRAINER)
                .row("GET", "/training-runs", "/training-runs", 200, Roles.TRAINER, Roles.OPS)
                .row("GET", "/training-runs/{id}", "/training-runs/999999", 404, Roles.TRAINER, Roles.OPS)
                .row("GET", "/training-runs/{id}/log", "/training-runs/999999/log", 404, Roles.TRAINER, Roles.OPS)
                .row("POST", "/training-runs/{id}/cancel", "/training-runs/999999/cancel", 404, Roles.TRAINER,
                        Roles.OPS)
                .open("/q/health/live")
                .open("/q/health/ready")
                .open("/q/metrics");
        matrix.assertCovers(ModelResource.class, TrainingRunResource.class);
        List<String> failures = matrix.check();
        assertTrue(failures.isEmpty(), failures + "\n" + matrix.table());
        System.out.println("trainer access matrix:\n" + matrix.table());
    }
}
