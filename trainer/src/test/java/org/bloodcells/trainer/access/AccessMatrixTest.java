package org.bloodcells.trainer.access;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
 * starts runs that register candidates; both read the registry and the runs; results-service's own identity (role
 * registry-reader) reads the registry and may neither promote nor touch the runs; analysts and scanners get nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class AccessMatrixTest {

    @TestHTTPResource("/")
    URL trainer;

    @Test
    void opsPromoteTheTrainingPipelineStartsRunsRegistryReadersOnlyReadAndNobodyElseIsLetIn() throws Exception {
        String name = given().when().get("/models").then().statusCode(200).extract().path("[0].name");
        String version = given().when().get("/models").then().statusCode(200).extract().path("[0].version");
        String model = "/models/" + name + "/" + version;
        byte[] unrunnable = "{\"dataset\":\"no-such-dataset\",\"epochs\":1}".getBytes(StandardCharsets.UTF_8);
        AccessMatrix matrix = new AccessMatrix(URI.create(trainer.toString()), "scanner-7")
                .row("GET", "/models", "/models", 200, Roles.OPS, Roles.TRAINER,
                        Roles.REGISTRY_READER)
                .row("GET", "/models/{name}/{version}", model, 200, Roles.OPS, Roles.TRAINER,
                        Roles.REGISTRY_READER)
                .row("GET", "/models/{name}/{version}/history", model + "/history", 200, Roles.OPS, Roles.TRAINER,
                        Roles.REGISTRY_READER)
                // The version in force promoted again: 200, nothing changes. A registry reader is refused (403).
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

    /**
     * README's role table and access table (section "Signing in and roles") name every role, and give results-service's
     * own identity (registry-reader) the registry's reads only: 200 there and on the open paths, 403 everywhere else.
     */
    @Test
    void readmeGivesRegistryReadersTheRegistryReadsOnly() throws Exception {
        List<String> readme = Files.readString(Path.of("..", "README.md")).lines().toList();
        List<String> table = readme.stream().dropWhile(l -> !l.startsWith("| endpoint | nobody"))
                .takeWhile(l -> l.startsWith("|")).toList();
        List<String> header = cells(table.get(0));
        for (String role : List.of(Roles.SCANNER, Roles.ANALYST, Roles.OPS, Roles.TRAINER, Roles.REGISTRY_READER)) {
            assertTrue(header.contains(role), "README's access table has no column " + role + ": " + header);
            assertTrue(readme.stream().anyMatch(l -> l.startsWith("| `" + role + "` |")),
                    "README's role table does not describe " + role);
        }
        int column = header.indexOf(Roles.REGISTRY_READER);
        for (String row : table.subList(2, table.size())) {
            boolean admitted = row.startsWith("| trainer `GET /models`") || row.startsWith("| every service");
            assertEquals(admitted ? "200" : "403", cells(row).get(column), row);
        }
    }

    private static List<String> cells(String row) {
        return Arrays.stream(row.substring(1, row.length() - 1).split("\\|")).map(String::strip).toList();
    }
}
