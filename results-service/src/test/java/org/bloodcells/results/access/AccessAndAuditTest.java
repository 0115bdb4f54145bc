package org.bloodcells.results.access;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.bloodcells.events.ImageMembership;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.ModelRef;
import org.bloodcells.events.Topics;
import org.bloodcells.http.Roles;
import org.bloodcells.results.api.AggregateResource;
import org.bloodcells.results.api.AuditResource;
import org.bloodcells.results.api.CellClassResource;
import org.bloodcells.results.api.CellReviewResource;
import org.bloodcells.results.api.DatasetResource;
import org.bloodcells.results.api.FhirDeliveryResource;
import org.bloodcells.results.api.ImageResource;
import org.bloodcells.results.api.ResultResource;
import org.bloodcells.results.api.ReviewQueueResource;
import org.bloodcells.results.api.SignInResource;
import org.bloodcells.results.api.ReportResource;
import org.bloodcells.results.support.PipelineEvents;
import org.bloodcells.testsupport.AccessMatrix;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.bloodcells.testsupport.TestTokens;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.UploadObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * results-service's endpoints × every kind of caller with real tokens, the audit trail ops read, and the deletion of
 * an image (object and rows gone, audited, not brought back by a re-delivered event).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class AccessAndAuditTest {

    private static final Path BCCD_IMAGE = Path.of("..", "datasets", "bccd", "JPEGImages", "BloodImage_00007.jpg");

    @TestHTTPResource("/")
    URL results;

    @Inject
    ObjectMapper json;

    @Inject
    MinioClient minio;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    private PipelineEvents events;
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

    /** An image stored in S3 (a real BCCD file), uploaded by {@code by} and detected. */
    private String storedImage(String by) throws Exception {
        if (!minio.bucketExists(BucketExistsArgs.builder().bucket("images").build())) {
            minio.makeBucket(MakeBucketArgs.builder().bucket("images").build());
        }
        String id = PipelineEvents.newImageId();
        String key = "sha256/" + id.substring(0, 2) + "/" + id + ".jpg";
        minio.uploadObject(UploadObjectArgs.builder().bucket("images").object(key).filename(BCCD_IMAGE.toString())
                .contentType("image/jpeg").build());
        minio.putObject(io.minio.PutObjectArgs.builder().bucket("images")
                .object("published/" + id.substring(0, 2) + "/" + id + ".json")
                .stream(new java.io.ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), 2, -1).build());
        Instant at = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MILLIS);
        events.publish(ImageUploaded.builder().imageId(id).bucket("images").objectKey(key).contentType("image/jpeg")
                .sizeBytes(1000).scannerId("scanner-7").slideId(slide).batchId(batch).uploadedAt(at).uploadedBy(by)
                .build());
        events.publish(PipelineEvents.detections(id, "1.0.0", 12, 1, 2, at.plusSeconds(10)));
        return id;
    }

    private void awaitDone(int images) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/batches/{id}", batch)
                .then().statusCode(200).body("images.done", equalTo(images)));
    }

    @Test
    void everyEndpointAdmitsItsRolesOnlyAndProbesNeedNoToken() throws Exception {
        String image = storedImage("scanner:scanner-7");
        String deleted = storedImage("scanner:scanner-7");
        awaitDone(2);
        String review = "{\"action\":\"CONFIRMED\"}";
        String drawn = "{\"action\":\"ADD\",\"cellClass\":\"Platelets\",\"box\":{\"x1\":1,\"y1\":1,\"x2\":9,\"y2\":9}}";
        AccessMatrix matrix = new AccessMatrix(URI.create(results.toString()), "scanner-7")
                .row("GET", "/cell-classes", "/cell-classes", 200, Roles.ANALYST, Roles.OPS)
                .row("GET", "/aggregates", "/aggregates?by=slide&batch=" + batch, 200, Roles.ANALYST, Roles.OPS)
                .row("GET", "/review", "/review?batch=" + batch, 200, Roles.ANALYST, Roles.OPS)
                .row("GET", "/images", "/images?batch=" + batch, 200, Roles.ANALYST, Roles.OPS)
                .row("GET", "/images/{imageId}", "/images/" + image, 200, Roles.ANALYST, Roles.OPS)
                .row("GET", "/images/{imageId}/detections", "/images/" + image + "/detections", 200, Roles.ANALYST,
                        Roles.OPS)
                .row("GET", "/images/{imageId}/overlay.png", "/images/" + image + "/overlay.png?width=200", 200,
                        Roles.ANALYST, Roles.OPS)
                .row("GET", "/images/{imageId}/reviews", "/images/" + image + "/reviews", 200, Roles.ANALYST,
                        Roles.OPS)
                .row("POST", "/images/{imageId}/review", "/images/" + image + "/review", 200, "application/json",
                        review.getBytes(StandardCharsets.UTF_8), null, Roles.ANALYST)
                .row("GET", "/images/{imageId}/image", "/images/" + image + "/image", 200, Roles.ANALYST, Roles.OPS)
                .row("GET", "/images/{imageId}/cells", "/images/" + image + "/cells", 200, Roles.ANALYST,
                        Roles.OPS)
                .row("GET", "/images/{imageId}/cells/edits", "/images/" + image + "/cells/edits", 200,
                        Roles.ANALYST, Roles.OPS)
                .row("POST", "/images/{imageId}/cells/edits", "/images/" + image + "/cells/edits", 201,
                        "application/json", drawn.getBytes(StandardCharsets.UTF_8), null, Roles.ANALYST)
                .row("POST", "/images/{imageId}/cells/confirmation", "/images/" + image + "/cells/confirmation", 200,
                        "application/json", "{}".getBytes(StandardCharsets.UTF_8), null, Roles.ANALYST)
                .row("GET", "/slides/{slideId}/counts", "/slides/" + slide + "/counts", 200, Roles.ANALYST, Roles.OPS)
                .row("GET", "/slides/{slideId}/cells", "/slides/" + slide + "/cells", 200, Roles.ANALYST, Roles.OPS)
                .row("GET", "/slides/{slideId}/report", "/slides/" + slide + "/report", 200, Roles.ANALYST, Roles.OPS)
                // Past access, a version nobody read is refused as stale (SlideReportApiTest signs real ones).
                .row("POST", "/slides/{slideId}/report/sign-off", "/slides/" + slide + "/report/sign-off", 409,
                        "application/json", "{\"version\":\"unread\"}".getBytes(StandardCharsets.UTF_8),
                        "a version not read", Roles.ANALYST)
                .row("GET", "/batches/{batchId}", "/batches/" + batch, 200, Roles.ANALYST, Roles.OPS)
                .row("GET", "/batches/{batchId}/compare", "/batches/" + batch + "/compare?from=1.0.0&to=1.0.0", 200,
                        Roles.ANALYST, Roles.OPS)
                // The trainer's registry is not running beside this test: ops get past access to its 503 (the
                // end-to-end tests re-process through the real trainer).
                .row("POST", "/batches/{batchId}/reprocess", "/batches/" + batch + "/reprocess?version=9.9.9", 503,
                        null, (byte[]) null, "registry not running here", Roles.OPS)
                // Past access, a dataset of nobody's images is refused for what it holds (the dataset tests write
                // real ones).
                .row("POST", "/datasets", "/datasets", 422, "application/json",
                        "{\"name\":\"access\",\"scanner\":\"nobody\"}".getBytes(StandardCharsets.UTF_8),
                        "no image matches", Roles.ANALYST, Roles.OPS)
                .row("GET", "/datasets/{name}", "/datasets/no-such-dataset", 404, null, (byte[]) null,
                        "no dataset of that name", Roles.ANALYST, Roles.OPS)
                .row("GET", "/audit", "/audit?subject=" + image, 200, Roles.OPS)
                .row("GET", "/fhir-deliveries", "/fhir-deliveries?state=FAILED", 200, Roles.OPS)
                .row("DELETE", "/images/{imageId}", "/images/" + deleted, 200, Roles.OPS)
                .open("/q/health/live")
                .open("/q/health/ready")
                .open("/q/metrics")
                .open("/")
                .open("/workspace.js")
                .open("/report.html")
                .open("/report.js")
                .open("/sign-in")
                .open("/q/openapi");
        matrix.assertCovers(AggregateResource.class, AuditResource.class, CellClassResource.class, ImageResource.class,
                ResultResource.class, ReviewQueueResource.class, CellReviewResource.class, DatasetResource.class,
                SignInResource.class, ReportResource.class,
                FhirDeliveryResource.class);
        List<String> failures = matrix.check();
        assertTrue(failures.isEmpty(), failures + "\n" + matrix.table());
        System.out.println("results-service access matrix:\n" + matrix.table());
    }

    @Test
    void uploadsReviewsPromotionsAndDeletionsAreAuditedWithWhoAndWhen() throws Exception {
        String image = storedImage("scanner:scanner-7");
        awaitDone(1);
        events.publish(new ImageMembership(image, "scanner-8", "slide-x", "batch-x", Instant.now(), "scanner:scanner-8"));
        String ana = TestTokens.of("ana", Roles.ANALYST);
        given().auth().oauth2(ana).contentType(ContentType.JSON).body("{\"action\":\"CORRECTED\",\"counts\":{\"WBC\":2}}")
                .when().post("/images/{id}/review", image).then().statusCode(200).body("reviewer", equalTo("ana"));
        String model = "audit-model-" + UUID.randomUUID().toString().substring(0, 8);
        Instant promotedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ModelPromoted promotion = new ModelPromoted(new ModelRef(model, "2.0.0", "models", "k", "a".repeat(64)), "1.0.0",
                "olga", null, promotedAt);
        events.publish(promotion);
        events.publish(promotion); // a re-delivery adds no second entry
        events.awaitConsumed(Topics.MODELS_PROMOTED);

        String ops = TestTokens.of("olga", Roles.OPS);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(ops)
                .queryParam("subject", image).when().get("/audit").then().statusCode(200)
                .body("items", hasSize(3))
                // Newest first in the order recorded; the membership's topic and the review race, so any order.
                .body("items.action", containsInAnyOrder("REVIEW", "UPLOAD", "UPLOAD"))
                .body("items.actor", containsInAnyOrder("ana", "scanner:scanner-8", "scanner:scanner-7"))
                .body("items.find { it.action == 'REVIEW' }.detail", containsString("CORRECTED")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(ops)
                .queryParam("subject", model + " 2.0.0").when().get("/audit").then()
                .statusCode(200).body("items", hasSize(1)).body("items[0].action", equalTo("PROMOTION"))
                .body("items[0].actor", equalTo("olga")).body("items[0].detail", equalTo("replaces 1.0.0")));

        // Deleted: objects, rows and memberships gone, audited; the upload's event delivered again brings nothing back.
        given().auth().oauth2(ops).when().delete("/images/{id}", image).then().statusCode(200)
                .body("detectionRuns", equalTo(1)).body("reviews", equalTo(1)).body("memberships", equalTo(2))
                .body("deletedBy", equalTo("olga"));
        assertFalse(exists("sha256/" + image.substring(0, 2) + "/" + image + ".jpg"), "the image's object is gone");
        assertFalse(exists("published/" + image.substring(0, 2) + "/" + image + ".json"), "its marker is gone");
        given().when().get("/images/{id}", image).then().statusCode(404);
        given().auth().oauth2(ops).when().delete("/images/{id}", image).then().statusCode(404);
        given().auth().oauth2(ops).queryParam("action", "DELETION").queryParam("subject", image).when().get("/audit")
                .then().statusCode(200).body("items", hasSize(1)).body("items[0].actor", equalTo("olga"));
        events.publish(ImageUploaded.builder().imageId(image).bucket("images").objectKey("k")
                .contentType("image/jpeg").sizeBytes(1000).scannerId("scanner-7").slideId(slide).batchId(batch)
                .uploadedAt(Instant.now().minus(Duration.ofMinutes(5))).uploadedBy("scanner:scanner-7").build());
        events.publish(PipelineEvents.detections(image, "1.0.0", 12, 1, 2, Instant.now()));
        events.awaitConsumed(Topics.IMAGES_UPLOADED);
        events.awaitConsumed(Topics.CELL_DETECTIONS);
        given().when().get("/images/{id}", image).then().statusCode(404);

        // A new upload of the same bytes after the deletion is a new upload.
        events.publish(ImageUploaded.builder().imageId(image).bucket("images").objectKey("k")
                .contentType("image/jpeg").sizeBytes(1000).scannerId("scanner-7").slideId(slide).batchId(batch)
                .uploadedAt(Instant.now().plusSeconds(1)).uploadedBy("scanner:scanner-7").build());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/images/{id}", image).then()
                .statusCode(200));

        given().auth().oauth2(ops).queryParam("action", "NOTHING").when().get("/audit").then().statusCode(400);
        given().auth().oauth2(ops).queryParam("limit", 1).queryParam("actor", "ana").when().get("/audit").then()
                .statusCode(200).body("items", hasSize(1));
    }

    private boolean exists(String key) {
        try {
            minio.statObject(StatObjectArgs.builder().bucket("images").object(key).build());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void anUploadWithTheLongestIdsTheOriginRuleAllowsIsAuditedToo() {
        String image = PipelineEvents.newImageId();
        String longest = "x".repeat(128);
        events.publish(new ImageMembership(image, longest, longest, longest, Instant.now(), "u".repeat(300)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(TestTokens.of("olga", Roles.OPS))
                .queryParam("subject", image).when().get("/audit").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].actor", equalTo("u".repeat(200))));
    }

    @Test
    void aReviewNamingSomebodyElseIsRefused() throws Exception {
        String image = storedImage("scanner:scanner-7");
        awaitDone(1);
        given().auth().oauth2(TestTokens.of("ana", Roles.ANALYST)).contentType(ContentType.JSON)
                .body("{\"reviewer\":\"ben\",\"action\":\"CONFIRMED\"}").when().post("/images/{id}/review", image)
                .then().statusCode(403);
        assertEquals(0, given().when().get("/images/{id}/reviews", image).then().statusCode(200).extract()
                .jsonPath().getList("$").size());
    }
}
