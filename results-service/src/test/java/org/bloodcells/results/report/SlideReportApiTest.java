package org.bloodcells.results.report;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Scale;
import org.bloodcells.http.Roles;
import org.bloodcells.results.support.PipelineEvents;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.bloodcells.testsupport.TestTokens;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * A slide's report over real Kafka and PostgreSQL: fields counted and left out, estimates, and its sign-off through
 * a correction (amended, signed again with a reason), with the refusals of item 5 and the audit trail.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class SlideReportApiTest {

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    private PipelineEvents events;
    private final String batch = "batch-" + UUID.randomUUID();
    private final String slide = "slide-" + batch;
    private final Instant at = Instant.now().minus(Duration.ofHours(1));

    @BeforeEach
    void connect() {
        events = new PipelineEvents(kafkaBootstrapServers, json);
    }

    @AfterEach
    void disconnect() {
        events.close();
    }

    private String uploaded(String slideId) {
        String id = PipelineEvents.newImageId();
        events.publish(ImageUploaded.builder().imageId(id).bucket("images").objectKey("sha256/" + id + ".jpg")
                .contentType("image/jpeg").sizeBytes(1000).scannerId("scanner-7").slideId(slideId).batchId(batch)
                .uploadedAt(at).build());
        return id;
    }

    /** A detected field of 640 × 480 px at 0.1 µm/px, flagged as unlike the training images when {@code odd}. */
    private String field(int rbc, int wbc, int platelets, boolean odd) {
        String id = uploaded(slide);
        CellDetections plain = PipelineEvents.detections(id, "1.0.0", rbc, wbc, platelets, at.plusSeconds(30));
        List<DetectedCell> cells = new ArrayList<>(plain.cells());
        events.publish(new CellDetections(id, plain.modelName(), "1.0.0", 640, 480, cells, plain.counts(), 42,
                "worker-1", at.plusSeconds(30), new Scale(0.1, "DECLARED"), 1,
                odd ? List.of("colour: stain unlike the training images") : List.of()));
        return id;
    }

    private static RequestSpecification as(String user, String role) {
        return given().auth().oauth2(TestTokens.of(user, role));
    }

    private static String sign(String slideId, String version, String reason, boolean acknowledge, int status) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("version", version);
        body.put("reason", reason);
        body.put("acknowledgeUnreviewed", acknowledge);
        return as("ana", Roles.ANALYST).contentType(ContentType.JSON).body(body)
                .when().post("/slides/{id}/report/sign-off", slideId).then().statusCode(status)
                .extract().asString();
    }

    @Test
    void aReportIsSignedAmendedByACorrectionAndSignedAgainWithAReason() {
        String corrected = field(20, 1, 2, false);
        field(30, 0, 3, false);
        field(25, 2, 1, false);
        String flagged = field(40, 9, 9, true);
        String failed = uploaded(slide);
        events.publish(PipelineEvents.deadLetter(failed, "not an image"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> as("ana", Roles.ANALYST)
                .when().get("/slides/{id}/report", slide).then().statusCode(200)
                .body("report.fields.counted", equalTo(3))
                .body("report.fields.leftOut", hasSize(2))
                // Events arrive in any order across topics: until its dead letter, the failed image is PENDING.
                .body("report.fields.leftOut.find { it.imageId == '" + failed + "' }.reason", equalTo("FAILED"))
                .body("report.fields.leftOut.find { it.imageId == '" + flagged + "' }.reason",
                        equalTo("FLAGGED_UNREVIEWED")));
        String version = as("olga", Roles.OPS).when().get("/slides/{id}/report", slide).then().statusCode(200)
                .body("state", equalTo("UNSIGNED"))
                .body("report.results.find { it.cellClass == 'RBC' }.total", equalTo(75))
                .body("report.results.find { it.cellClass == 'RBC' }.meanPerField", equalTo(25.0f))
                .body("report.results.find { it.cellClass == 'RBC' }.meanInterval.low", notNullValue())
                // 75 RBC over 3 × 3072 µm² at an assumed 1.3 µm depth: 6.26 million per µL
                .body("report.results.find { it.cellClass == 'RBC' }.perMicrolitre",
                        equalTo((float) (75 / (3 * 3072.0 * 1.3) * 1e9)))
                .body("report.plateletsPer100Rbc.value", equalTo(8.0f))
                .body("report.concentration.estimated", equalTo(true))
                .body("report.models[0].version", equalTo("1.0.0"))
                .body("report.review.flaggedUnreviewed", equalTo(1))
                .extract().path("version");

        // Flagged fields left out unreviewed must be acknowledged; a version not read is refused.
        sign(slide, version, null, false, 422);
        sign(slide, "0".repeat(64), null, true, 409);
        sign(slide, null, null, true, 400);
        String first = sign(slide, version, null, true, 201);
        as("ana", Roles.ANALYST).when().get("/slides/{id}/report", slide).then().statusCode(200)
                .body("state", equalTo("SIGNED")).body("signatures", hasSize(1))
                .body("signatures[0].signedBy", equalTo("ana"))
                .body("signatures[0].acknowledgedUnreviewed", equalTo(1));
        assertNotEquals("", first);
        sign(slide, version, "again", true, 409);

        // A correction amends it: the old version is stale, and signing again needs a reason.
        as("ana", Roles.ANALYST).contentType(ContentType.JSON)
                .body("{\"action\":\"CORRECTED\",\"counts\":{\"WBC\":4}}")
                .when().post("/images/{id}/review", corrected).then().statusCode(200);
        String amended = as("ana", Roles.ANALYST).when().get("/slides/{id}/report", slide).then().statusCode(200)
                .body("state", equalTo("AMENDED"))
                .body("report.results.find { it.cellClass == 'WBC' }.total", equalTo(6))
                .body("report.review.corrected", equalTo(1))
                .extract().path("version");
        assertNotEquals(version, amended);
        sign(slide, version, "a lymphocyte missed", true, 409);
        sign(slide, amended, " ", true, 400);
        sign(slide, amended, "a lymphocyte missed", true, 201);
        as("ana", Roles.ANALYST).when().get("/slides/{id}/report", slide).then().statusCode(200)
                .body("state", equalTo("SIGNED")).body("signatures", hasSize(2))
                .body("signatures[0].version", equalTo(version))
                .body("signatures[1].number", equalTo(2))
                .body("signatures[1].reason", equalTo("a lymphocyte missed"));

        // The last signature in FHIR R4: the same report, amended.
        as("ana", Roles.ANALYST).accept("application/fhir+json").when().get("/slides/{id}/report", slide).then()
                .statusCode(200).contentType(containsString("application/fhir+json"))
                .body("resourceType", equalTo("Bundle"))
                .body("entry[0].resource.resourceType", equalTo("DiagnosticReport"))
                .body("entry[0].resource.status", equalTo("amended"))
                .body("entry[0].resource.resultsInterpreter[0].identifier.value", equalTo("ana"));
        // Each signature went to the delivery outbox in its transaction, as the same Bundle: two versions of one report.
        String bundleId = as("ana", Roles.ANALYST).accept("application/fhir+json").when()
                .get("/slides/{id}/report", slide).then().statusCode(200).extract().path("id");
        as("olga", Roles.OPS).queryParam("resourceId", bundleId).when().get("/fhir-deliveries").then().statusCode(200)
                .body("items", hasSize(2)).body("items.resourceType", everyItem(equalTo("Bundle")));

        as("olga", Roles.OPS).queryParam("action", "SIGN_OFF").queryParam("subject", "slide " + slide)
                .when().get("/audit").then().statusCode(200).body("items", hasSize(2))
                .body("items[0].actor", equalTo("ana"))
                .body("items[0].detail", containsString("amended: a lymphocyte missed"));
    }

    @Test
    void aSlideWithoutADoneImageOrUnknownCannotBeSigned() {
        String failedSlide = "slide-failed-" + batch;
        String failed = uploaded(failedSlide);
        events.publish(PipelineEvents.deadLetter(failed, "not an image"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> as("ana", Roles.ANALYST)
                .when().get("/slides/{id}/report", failedSlide).then().statusCode(200)
                .body("report.fields.leftOut[0].reason", equalTo("FAILED")));
        String version = as("ana", Roles.ANALYST).when().get("/slides/{id}/report", failedSlide).then()
                .body("report.fields.counted", equalTo(0)).extract().path("version");
        sign(failedSlide, version, null, true, 422);
        sign("slide-nobody-" + batch, version, null, true, 404);
        as("ana", Roles.ANALYST).when().get("/slides/{id}/report", "slide-nobody-" + batch).then().statusCode(404);
        as("ana", Roles.ANALYST).accept("application/fhir+json").when().get("/slides/{id}/report", failedSlide)
                .then().statusCode(404);
    }
}
