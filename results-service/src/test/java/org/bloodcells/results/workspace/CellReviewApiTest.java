package org.bloodcells.results.workspace;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Thresholds;
import org.bloodcells.http.Roles;
import org.bloodcells.results.support.PipelineEvents;
import org.bloodcells.results.support.StoredImages;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.bloodcells.testsupport.TestTokens;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.MinioClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * Cell-level review over real Kafka, PostgreSQL and S3: boxes reclassified, deleted and drawn beside the model's,
 * the image's counts following them, every edit audited, the boxes confirmed in one call, and bad edits refused
 * with their reason. Every test has its own scanner, slide and batch.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class CellReviewApiTest {

    private static final Path BCCD_IMAGE = Path.of("../datasets/bccd/JPEGImages/BloodImage_00000.jpg");
    private static final Instant DAY = Instant.parse("2026-11-21T08:00:00Z");
    /** RBC 0.9 and WBC 0.8 count; the second WBC (0.5) is under WBC's count threshold. */
    private static final List<DetectedCell> CELLS = List.of(new DetectedCell("RBC", 0.9, 100, 100, 200, 200),
            new DetectedCell("WBC", 0.8, 300, 150, 450, 300), new DetectedCell("WBC", 0.5, 20, 300, 80, 360));

    @Inject
    ObjectMapper json;

    @Inject
    MinioClient minio;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    private PipelineEvents events;
    private final String scanner = "scanner-" + UUID.randomUUID();
    private final String batch = "batch-" + UUID.randomUUID();
    private final String slide = "slide-" + batch;

    @BeforeEach
    void connect() {
        events = new PipelineEvents(kafkaBootstrapServers, json);
    }

    @AfterEach
    void disconnect() {
        events.close();
    }

    @Test
    void editsAreStoredBesideTheModelsBoxesAndTheCountsFollowThem() throws Exception {
        String id = detectedImage(0);
        awaitDone(1);
        JsonPath before = when().get("/images/{id}/cells", id).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("m0", "m1", "m2"), before.getList("cells.key"));
        assertEquals(List.of(true, true, false), before.getList("cells.counted"));
        assertEquals(Map.of("RBC", 1, "WBC", 1, "Platelets", 0), before.getMap("counts"));
        long run = before.getLong("runId");

        analyst("ana").body(Map.of("action", "RECLASSIFY", "cell", "m1", "cellClass", "RBC", "runId", run,
                "comment", "a large red cell"))
                .when().post("/images/{id}/cells/edits", id).then().statusCode(201)
                .body("edit.cell", equalTo("m1"))
                .body("edit.classBefore", equalTo("WBC"))
                .body("edit.classAfter", equalTo("RBC"))
                .body("edit.editedBy", equalTo("ana"))
                .body("image.counts.RBC", equalTo(2))
                .body("image.counts.WBC", equalTo(0))
                .body("image.reviewStatus", equalTo("CORRECTED"));
        analyst("ana").body(Map.of("action", "DELETE", "cell", "m0")).when().post("/images/{id}/cells/edits", id)
                .then().statusCode(201).body("image.counts.RBC", equalTo(1));
        // The dashed WBC the model scored under its threshold is a white cell after all: it counts.
        analyst("ana").body(Map.of("action", "RECLASSIFY", "cell", "m2", "cellClass", "WBC"))
                .when().post("/images/{id}/cells/edits", id).then().statusCode(201)
                .body("image.counts.WBC", equalTo(1));
        String drawn = analyst("ben").body(Map.of("action", "ADD", "cellClass", "Platelets",
                "box", Map.of("x1", 500, "y1", 400, "x2", 520.5, "y2", 421)))
                .when().post("/images/{id}/cells/edits", id).then().statusCode(201)
                .body("image.counts.Platelets", equalTo(1))
                .extract().path("edit.cell");
        assertTrue(drawn.matches("d\\d+"), drawn);

        // The model's boxes are as the worker sent them; the image reports the reviewed counts beside the model's.
        when().get("/images/{id}/detections", id).then().statusCode(200)
                .body("cells.cellClass", equalTo(List.of("RBC", "WBC", "WBC")))
                .body("counts.RBC", equalTo(1));
        given().queryParam("slide", slide).when().get("/images").then().statusCode(200)
                .body("items[0].counts", equalTo(Map.of("RBC", 1, "WBC", 1, "Platelets", 1)))
                .body("items[0].modelCounts", equalTo(Map.of("RBC", 1, "WBC", 1, "Platelets", 0)))
                .body("items[0].reviewStatus", equalTo("CORRECTED"));
        JsonPath after = when().get("/images/{id}/cells", id).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("DELETED", "RECLASSIFIED", "RECLASSIFIED", "ADDED"), after.getList("cells.state"));
        assertEquals(List.of("RBC", "RBC", "WBC", "Platelets"), after.getList("cells.cellClass"));
        assertEquals(List.of("RBC", "WBC", "WBC"), after.getList("cells.modelClass").subList(0, 3));
        assertEquals(4, after.getInt("edits"));

        // Who, when, which cell, before and after: in the edits and in the audit trail.
        when().get("/images/{id}/cells/edits", id).then().statusCode(200)
                .body("action", equalTo(List.of("RECLASSIFY", "DELETE", "RECLASSIFY", "ADD")))
                .body("editedBy", equalTo(List.of("ana", "ana", "ana", "ben")))
                .body("[0].comment", equalTo("a large red cell"))
                .body("[3].box.x2", equalTo(520.5f));
        JsonPath audit = given().queryParam("subject", id).queryParam("action", "REVIEW").when().get("/audit")
                .then().statusCode(200).extract().jsonPath();
        List<String> details = audit.getList("items.detail");
        assertEquals(4, details.size(), details.toString());
        assertTrue(details.get(3).startsWith("RECLASSIFY m1 WBC -> RBC; counts {RBC=1, WBC=1, Platelets=0} -> {RBC=2,"
                + " WBC=0, Platelets=0} on efficientdet-d0-bccd 1.2.0"), details.get(3));
        assertEquals(List.of("ben", "ana", "ana", "ana"), audit.getList("items.actor"));

        // One call confirms the boxes as they now stand.
        analyst("cleo").body(Map.of("comment", "checked")).when().post("/images/{id}/cells/confirmation", id)
                .then().statusCode(200)
                .body("confirmation.confirmedBy", equalTo("cleo"))
                .body("confirmation.current", equalTo(true))
                .body("confirmation.counts.Platelets", equalTo(1))
                .body("reviewStatus", equalTo("CORRECTED"));
        analyst("ana").body(Map.of("action", "DELETE", "cell", drawn)).when().post("/images/{id}/cells/edits", id)
                .then().statusCode(201)
                .body("image.confirmation.current", equalTo(false))
                .body("image.counts.Platelets", equalTo(0));
    }

    @Test
    void confirmingUneditedBoxesLetsTheModelsCountsStand() {
        String id = detectedImage(0);
        awaitDone(1);
        analyst("ana").body(Map.of("action", "CORRECTED", "counts", Map.of("RBC", 5)))
                .when().post("/images/{id}/review", id).then().statusCode(200);
        analyst("ana").when().post("/images/{id}/cells/confirmation", id).then().statusCode(200)
                .body("reviewStatus", equalTo("CONFIRMED"))
                .body("edits", equalTo(0))
                .body("counts.RBC", equalTo(1));
        given().queryParam("slide", slide).when().get("/images").then().statusCode(200)
                .body("items[0].counts.RBC", equalTo(1))
                .body("items[0].reviewStatus", equalTo("CONFIRMED"));
        given().queryParam("subject", id).queryParam("action", "REVIEW").when().get("/audit").then()
                .statusCode(200).body("items[0].actor", equalTo("ana"))
                .body("items[0].detail", startsWithText("boxes confirmed after 0 edits"));
    }

    @Test
    void aSlidesGalleryHoldsItsCellsOfTheAskedClassesCutFromTheStoredImages() throws Exception {
        String first = detectedImage(0);
        String second = detectedImage(1);
        awaitDone(2);
        given().queryParam("classes", "WBC,Platelets").when().get("/slides/{id}/cells", slide).then()
                .statusCode(200)
                .body("imageId", equalTo(List.of(first, second)))
                .body("[0].cells.key", equalTo(List.of("m1", "m2")))
                .body("cells.flatten().cellClass", everyItem(in(List.of("WBC", "Platelets"))))
                .body("[0].counts.RBC", equalTo(1));
        when().get("/slides/{id}/cells", "no-such-slide-" + batch).then().statusCode(404);

        // The page cuts the crops from the stored bytes.
        byte[] stored = given().when().get("/images/{id}/image", first).then().statusCode(200)
                .contentType("image/jpeg").extract().asByteArray();
        assertArrayEquals(Files.readAllBytes(BCCD_IMAGE), stored);
    }

    @Test
    void badEditsAreRefusedWithTheirReason() {
        String id = detectedImage(0);
        String pending = PipelineEvents.newImageId();
        events.publish(ImageUploaded.builder().imageId(pending).bucket("images").objectKey("k")
                .contentType("image/jpeg").sizeBytes(1).scannerId(scanner).slideId(slide).batchId(batch)
                .uploadedAt(DAY).build());
        awaitDone(1);

        refused(Map.of("action", "RECLASSIFY", "cell", "m99", "cellClass", "RBC"), id, 400, "no cell m99");
        refused(Map.of("action", "RECLASSIFY", "cell", "m0", "cellClass", "Neutrophil"), id, 400, "Neutrophil");
        refused(Map.of("action", "RECLASSIFY", "cell", "m0", "cellClass", "RBC"), id, 400, "already counted as RBC");
        refused(Map.of("action", "ADD", "cellClass", "WBC", "box", Map.of("x1", 600, "y1", 10, "x2", 700, "y2", 50)),
                id, 400, "outside the image (640 x 480 pixels)");
        refused(Map.of("action", "ADD", "cellClass", "WBC", "box", Map.of("x1", 60, "y1", 10, "x2", 60, "y2", 50)),
                id, 400, "is empty");
        refused(Map.of("action", "ADD", "cellClass", "WBC"), id, 400, "box");
        refused(Map.of("action", "DELETE"), id, 400, "cell names the box");
        refused(Map.of("action", "DELETE", "cell", "m0", "runId", -1), id, 409, "reload its cells");
        refused(Map.of("action", "DELETE", "cell", "m0"), pending, 409, "PENDING");
        analyst("ana").body(Map.of("action", "DELETE", "cell", "m0")).when().post("/images/{id}/cells/edits", id)
                .then().statusCode(201);
        refused(Map.of("action", "RECLASSIFY", "cell", "m0", "cellClass", "WBC"), id, 409, "was deleted");
        refused(Map.of("action", "DELETE", "cell", "m0"), id, 409, "was deleted");
        analyst("ana").body(Map.of("action", "DELETE", "cell", "m1")).when()
                .post("/images/{id}/cells/edits", PipelineEvents.newImageId()).then().statusCode(404);
        // Ops read the edits; only analysts make them.
        given().auth().oauth2(TestTokens.of("olga", Roles.OPS)).contentType(ContentType.JSON)
                .body(Map.of("action", "DELETE", "cell", "m1")).when().post("/images/{id}/cells/edits", id).then()
                .statusCode(403);
        given().auth().oauth2(TestTokens.of("olga", Roles.OPS)).when().get("/images/{id}/cells/edits", id).then()
                .statusCode(200).body("", hasSize(1));
    }

    private void refused(Map<String, Object> edit, String imageId, int status, String reason) {
        analyst("ana").body(edit).when().post("/images/{id}/cells/edits", imageId).then().statusCode(status)
                .contentType("application/problem+json")
                .body("detail", containsString(reason));
    }

    /** An image of this test's slide, stored in S3, detected with {@link #CELLS}. */
    private String detectedImage(int second) {
        String id = PipelineEvents.newImageId();
        String key = "cells/" + id + ".jpg";
        StoredImages.store(minio, "images", key, BCCD_IMAGE);
        events.publish(ImageUploaded.builder().imageId(id).bucket("images").objectKey(key).contentType("image/jpeg")
                .sizeBytes(1000).scannerId(scanner).slideId(slide).batchId(batch).uploadedAt(DAY.plusSeconds(second))
                .build());
        events.publish(new CellDetections(id, "efficientdet-d0-bccd", "1.2.0", 640, 480, CELLS,
                Map.of("RBC", 1, "WBC", 1, "Platelets", 0), 40, "worker-1", DAY.plusSeconds(5 + second), null, 1,
                List.of(), new Thresholds(0.3, Map.of("RBC", 0.3, "WBC", 0.575, "Platelets", 0.625),
                        "score > 0.3, 1 view")));
        return id;
    }

    private void awaitDone(int done) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().queryParam("by", "batch")
                .queryParam("batch", batch).when().get("/aggregates").then().statusCode(200)
                .body("groups[0].done", equalTo(done)));
    }

    private static org.hamcrest.Matcher<String> startsWithText(String prefix) {
        return org.hamcrest.Matchers.startsWith(prefix);
    }

    private static RequestSpecification analyst(String name) {
        return given().auth().oauth2(TestTokens.of(name, Roles.ANALYST)).contentType(ContentType.JSON);
    }
}
