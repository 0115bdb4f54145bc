package org.bloodcells.results.api;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.bloodcells.results.support.PipelineEvents.deadLetter;
import static org.bloodcells.results.support.PipelineEvents.detections;
import static org.bloodcells.results.support.PipelineEvents.newImageId;
import static org.bloodcells.results.support.PipelineEvents.uploaded;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.ImageMembership;
import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.ModelRef;
import org.bloodcells.events.Scale;
import org.bloodcells.events.Topics;
import org.bloodcells.http.Problem;
import org.bloodcells.results.support.PipelineEvents;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Events go to the real Kafka broker with a plain producer; results-service consumes them into
 * the real PostgreSQL and the tests read the outcome through the analysts' REST API. Every test
 * uses its own image ids, slide and batch, so the tests do not depend on their order.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class ResultsFromEventsTest {

    private static final Instant T1 = Instant.parse("2026-11-23T10:01:00Z");
    private static final Instant T2 = Instant.parse("2026-11-23T11:01:00Z");

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    private PipelineEvents events;
    private final String slide = "slide-" + UUID.randomUUID();
    private final String batch = "batch-" + UUID.randomUUID();

    @BeforeEach
    void connect() {
        events = new PipelineEvents(kafkaBootstrapServers, json);
    }

    @AfterEach
    void disconnect() {
        events.close();
    }

    @Test
    void uploadedThenDetectedImageReportsItsCountsAndBoxes() {
        String id = newImageId();
        events.publish(uploaded(id, slide, batch));
        events.publish(detections(id, "1.0.0", 3, 1, 2, T1));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/images/{id}", id)
                .then().statusCode(200)
                .body("status", equalTo("DONE"))
                .body("scannerId", equalTo("scanner-7"))
                .body("slideId", equalTo(slide))
                .body("batchId", equalTo(batch))
                .body("detection.modelName", equalTo("efficientdet-d0-bccd"))
                .body("detection.modelVersion", equalTo("1.0.0"))
                .body("detection.counts.RBC", equalTo(3))
                .body("detection.counts.WBC", equalTo(1))
                .body("detection.counts.Platelets", equalTo(2))
                .body("detection.cells", hasSize(6))
                .body("detection.cells[0].cellClass", equalTo("RBC"))
                .body("detection.inferenceMillis", equalTo(42))
                .body("detection.workerId", equalTo("worker-1")));
    }

    @Test
    void aFlaggedImageShowsItsCountsWithItsScaleAndWhyItIsUnlikeTheTrainingImages() {
        String id = newImageId();
        events.publish(uploaded(id, slide, batch));
        CellDetections plain = detections(id, "1.3.0", 30, 1, 2, T1);
        events.publish(new CellDetections(id, plain.modelName(), plain.modelVersion(), 2400, 1800, plain.cells(),
                plain.counts(), 900, "worker-2", T1, new Scale(0.036, "ESTIMATED"), 16,
                List.of("colour unlike the training images: mean RGB 150,170,180 against 188,177,182")));
        String flaggedId = id;
        String plainId = newImageId();
        events.publish(uploaded(plainId, slide, batch));
        events.publish(detections(plainId, "1.0.0", 3, 1, 2, T1));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/images/{id}", flaggedId)
                .then().statusCode(200)
                .body("status", equalTo("DONE"))
                .body("detection.counts.RBC", equalTo(30))
                .body("detection.scale.micronsPerPixel", equalTo(0.036f))
                .body("detection.scale.source", equalTo("ESTIMATED"))
                .body("detection.tiles", equalTo(16))
                .body("detection.flagged", equalTo(true))
                .body("detection.outOfDistribution[0]", startsWith("colour unlike the training images")));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/images/{id}", plainId)
                .then().statusCode(200)
                .body("detection.flagged", equalTo(false))
                .body("detection.outOfDistribution", hasSize(0))
                .body("detection.scale", nullValue())
                .body("detection.tiles", equalTo(1)));
    }

    @Test
    void uploadedImageWithoutResultIsPending() {
        String id = newImageId();
        events.publish(uploaded(id, slide, batch));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/images/{id}", id)
                .then().statusCode(200)
                .body("status", equalTo("PENDING"))
                .body("uploadedAt", equalTo("2026-11-23T10:00:00Z"))
                .body("detection", nullValue()));
    }

    @Test
    void redeliveredDetectionsLeaveCountsUnchanged() {
        String id = newImageId();
        events.publish(uploaded(id, slide, batch));
        events.publish(uploaded(id, slide, batch));
        events.publish(detections(id, "1.0.0", 5, 1, 1, T1));
        events.publish(detections(id, "1.0.0", 5, 1, 1, T1));
        events.awaitConsumed(Topics.CELL_DETECTIONS);
        events.awaitConsumed(Topics.IMAGES_UPLOADED);

        when().get("/slides/{slide}/counts", slide)
                .then().statusCode(200)
                .body("images", equalTo(1))
                .body("counts.RBC", equalTo(5))
                .body("counts.WBC", equalTo(1))
                .body("counts.Platelets", equalTo(1));
    }

    /**
     * Counters only grow, and the other tests feed them too: wait until every event published so
     * far is consumed, then read before and after.
     */
    @Test
    void metricsCountEventsStoredDuplicatesIgnoredAndRecordsParked() {
        String stored = "bloodcells_results_events_total{outcome=\"stored\",topic=\"" + Topics.CELL_DETECTIONS + "\"}";
        String duplicate = "bloodcells_results_events_total{outcome=\"duplicate\",topic=\"" + Topics.CELL_DETECTIONS
                + "\"}";
        String parked = "bloodcells_results_parked_total{topic=\"" + Topics.CELL_DETECTIONS + "\"}";
        String uploadStored = "bloodcells_results_events_total{outcome=\"stored\",topic=\"" + Topics.IMAGES_UPLOADED
                + "\"}";
        String uploadAgain = "bloodcells_results_events_total{outcome=\"duplicate\",topic=\""
                + Topics.IMAGES_UPLOADED + "\"}";
        // the other tests' events may still be in flight: let them land before taking the baseline
        events.awaitConsumed(Topics.IMAGES_UPLOADED);
        events.awaitConsumed(Topics.CELL_DETECTIONS);
        double uploadStoredBefore = metric(uploadStored);
        double uploadAgainBefore = metric(uploadAgain);
        double storedBefore = metric(stored);
        double duplicateBefore = metric(duplicate);
        double parkedBefore = metric(parked);
        String id = newImageId();
        events.publish(uploaded(id, slide, batch));
        events.publish(uploaded(id, slide, batch));
        events.publish(detections(id, "1.0.0", 5, 1, 1, T1));
        events.publish(detections(id, "1.0.0", 5, 1, 1, T1));
        events.send(Topics.CELL_DETECTIONS, newImageId(), "{ this is not json");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertEquals(storedBefore + 1, metric(stored), stored);
            assertEquals(duplicateBefore + 1, metric(duplicate), duplicate);
            assertEquals(parkedBefore + 1, metric(parked), parked);
            assertEquals(uploadStoredBefore + 1, metric(uploadStored), uploadStored);
            assertEquals(uploadAgainBefore + 1, metric(uploadAgain), "the same upload again: " + uploadAgain);
        });
    }

    /** A sample of /q/metrics (Prometheus text), 0 while the series does not exist yet. */
    private static double metric(String series) {
        return when().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(
                        series.length() + 1).trim())).findFirst().orElse(0);
    }

    @Test
    void detectionsArrivingBeforeTheUploadEventStillCount() {
        String id = newImageId();
        events.publish(detections(id, "1.0.0", 4, 0, 3, T1));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/images/{id}", id)
                .then().statusCode(200)
                .body("status", equalTo("DONE"))
                .body("slideId", nullValue())
                .body("detection.counts.RBC", equalTo(4)));

        events.publish(uploaded(id, slide, batch));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/images/{id}", id)
                .then().statusCode(200)
                .body("status", equalTo("DONE"))
                .body("slideId", equalTo(slide)));
        when().get("/slides/{slide}/counts", slide)
                .then().statusCode(200)
                .body("images", equalTo(1))
                .body("counts.RBC", equalTo(4))
                .body("counts.Platelets", equalTo(3));
    }

    @Test
    void deadLetterMarksTheImageFailedWithItsReason() {
        String id = newImageId();
        events.publish(uploaded(id, slide, batch));
        events.publish(deadLetter(id, "not a decodable image"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/images/{id}", id)
                .then().statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("failure.stage", equalTo("detect"))
                .body("failure.reason", equalTo("not a decodable image"))
                .body("detection", nullValue()));
    }

    @Test
    void newerModelVersionReplacesAnImagesCountsInsteadOfAddingToThem() {
        String id = newImageId();
        events.publish(uploaded(id, slide, batch));
        events.publish(detections(id, "2.0.0", 7, 2, 0, T2));
        events.publish(detections(id, "1.0.0", 3, 1, 1, T1));
        events.awaitConsumed(Topics.CELL_DETECTIONS);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/images/{id}", id)
                .then().statusCode(200)
                .body("detection.modelVersion", equalTo("2.0.0")));
        when().get("/slides/{slide}/counts", slide)
                .then().statusCode(200)
                .body("images", equalTo(1))
                .body("counts.RBC", equalTo(7))
                .body("counts.Platelets", equalTo(0))
                .body("modelVersions", hasSize(1))
                .body("modelVersions[0].version", equalTo("2.0.0"));
    }

    /**
     * Counts follow the promoted version: an image counts its run of the promoted version where it has one (a newer
     * run of another version does not replace it), else its latest run; the batch says which versions it is made
     * of, and two versions' runs compare per image.
     */
    @Test
    void countsFollowThePromotedVersionAndTwoVersionsCompareImageByImage() {
        String model = "promotion-test-" + UUID.randomUUID();
        String a = newImageId();
        String b = newImageId();
        events.publish(uploaded(a, slide, batch));
        events.publish(uploaded(b, slide, batch));
        events.publish(run(a, model, "1.0.0", 3, T1));
        events.publish(run(b, model, "1.0.0", 5, T1));
        events.publish(run(a, model, "2.0.0", 7, T2));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/batches/{batch}", batch)
                .then().statusCode(200).body("counts.RBC", equalTo(12)).body("promoted", hasSize(0)));
        // An analyst confirms image a's counts by 2.0.0; the promotion of another run withdraws the confirmation.
        given().contentType(io.restassured.http.ContentType.JSON)
                .body(java.util.Map.of("action", "CONFIRMED"))
                .when().post("/images/{id}/review", a).then().statusCode(200);

        events.publish(new ModelPromoted(new ModelRef(model, "1.0.0", "models", model + "/1.0.0/model.onnx",
                "ab".repeat(32)), null, "ops-test", null, T2));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/batches/{batch}", batch)
                .then().statusCode(200).body("counts.RBC", equalTo(8))
                .body("promoted.find { it.name == '" + model + "' }.version", equalTo("1.0.0")));
        // The lists and aggregates read the image rows, which the promotion re-pointed too.
        given().queryParam("batch", batch).queryParam("order", "asc").when().get("/images").then().statusCode(200)
                .body("items.find { it.imageId == '" + a + "' }.modelVersion", equalTo("1.0.0"))
                .body("items.find { it.imageId == '" + a + "' }.counts.RBC", equalTo(3))
                .body("items.find { it.imageId == '" + a + "' }.reviewStatus", equalTo("NONE"));
        given().queryParam("by", "batch").queryParam("batch", batch).when().get("/aggregates").then()
                .statusCode(200).body("groups[0].counts.RBC", equalTo(8));
        events.publish(run(a, model, "3.0.0", 11, T2.plusSeconds(60)));
        events.awaitConsumed(Topics.CELL_DETECTIONS);
        when().get("/images/{id}", a).then().body("detection.modelVersion", equalTo("1.0.0"));

        when().get("/batches/{batch}/compare?from=1.0.0&to=2.0.0&model=" + model, batch).then().statusCode(200)
                .body("images", hasSize(1))
                .body("images[0].imageId", equalTo(a))
                .body("images[0].from.RBC", equalTo(3))
                .body("images[0].to.RBC", equalTo(7))
                .body("images[0].difference.RBC", equalTo(4))
                .body("pending", equalTo(List.of(b)))
                .body("totals.difference.RBC", equalTo(4));
        when().get("/batches/{batch}/compare?from=1.0.0", batch).then().statusCode(400);
    }

    private static CellDetections run(String imageId, String model, String version, int rbc, Instant at) {
        CellDetections plain = detections(imageId, version, rbc, 0, 0, at);
        return new CellDetections(imageId, model, version, plain.imageWidth(), plain.imageHeight(), plain.cells(),
                plain.counts(), plain.inferenceMillis(), plain.workerId(), at);
    }

    @Test
    void slideCountsSumTheSlidesDoneImages() {
        String first = newImageId();
        String second = newImageId();
        String pending = newImageId();
        events.publish(uploaded(first, slide, batch));
        events.publish(uploaded(second, slide, batch));
        events.publish(uploaded(pending, slide, batch));
        events.publish(detections(first, "1.0.0", 10, 1, 2, T1));
        events.publish(detections(second, "1.0.0", 20, 0, 3, T1));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/slides/{slide}/counts", slide)
                .then().statusCode(200)
                .body("slideId", equalTo(slide))
                .body("images", equalTo(2))
                .body("counts.RBC", equalTo(30))
                .body("counts.WBC", equalTo(1))
                .body("counts.Platelets", equalTo(5))
                .body("modelVersions[0].name", equalTo("efficientdet-d0-bccd")));
    }

    @Test
    void batchReportsProgressAndTotals() {
        String done = newImageId();
        String failed = newImageId();
        String pending = newImageId();
        events.publish(uploaded(done, slide, batch));
        events.publish(uploaded(failed, slide, batch));
        events.publish(uploaded(pending, slide, batch));
        events.publish(detections(done, "1.0.0", 8, 2, 4, T1));
        events.publish(deadLetter(failed, "model timed out"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/batches/{batch}", batch)
                .then().statusCode(200)
                .body("batchId", equalTo(batch))
                .body("images.total", equalTo(3))
                .body("images.done", equalTo(1))
                .body("images.failed", equalTo(1))
                .body("images.pending", equalTo(1))
                .body("counts.RBC", equalTo(8))
                .body("counts.WBC", equalTo(2))
                .body("counts.Platelets", equalTo(4)));
    }

    @Test
    void theSameBytesUploadedIntoAnotherBatchCountThereOnceWithTheirOneDetection() {
        String shared = newImageId();
        String own = newImageId();
        String other = "batch-" + UUID.randomUUID();
        String otherSlide = "slide-" + UUID.randomUUID();
        events.publish(uploaded(shared, slide, batch));
        events.publish(detections(shared, "1.0.0", 8, 2, 4, T1));
        events.publish(uploaded(own, otherSlide, other));
        events.publish(detections(own, "1.0.0", 1, 1, 1, T1));
        // uploaded again into the other batch, twice (two slides of it) and once more as a repeat
        events.publish(new ImageMembership(shared, "scanner-7", otherSlide, other, T2));
        events.publish(new ImageMembership(shared, "scanner-7", "slide-" + UUID.randomUUID(), other, T2));
        events.publish(new ImageMembership(shared, "scanner-7", otherSlide, other, T2));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/batches/{batch}", other)
                .then().statusCode(200)
                .body("images.total", equalTo(2))
                .body("images.done", equalTo(2))
                .body("counts.RBC", equalTo(9))
                .body("counts.WBC", equalTo(3))
                .body("counts.Platelets", equalTo(5)));
        when().get("/batches/{batch}", batch).then().statusCode(200)
                .body("images.total", equalTo(1))
                .body("counts.RBC", equalTo(8));
        when().get("/slides/{slide}/counts", otherSlide).then().statusCode(200)
                .body("images", equalTo(2))
                .body("counts.RBC", equalTo(9));
        when().get("/images?batch={batch}", other).then().statusCode(200)
                .body("items", hasSize(2));
        when().get("/images?slide={slide}&batch={batch}", otherSlide, other).then().statusCode(200)
                .body("items", hasSize(2));
        // in that slide only within the other batch: not in that slide of its first batch
        when().get("/images?slide={slide}&batch={batch}", otherSlide, batch).then().statusCode(200)
                .body("items", hasSize(0));
        when().get("/aggregates?by=scanner&batch={batch}", other).then().statusCode(200)
                .body("groups[0].images", equalTo(2))
                .body("groups[0].counts.RBC", equalTo(9));
    }

    @Test
    void unreadableRecordDoesNotBlockItsTopic() {
        String id = newImageId();
        events.send(Topics.CELL_DETECTIONS, id, "{ this is not json");
        events.publish(detections(id, "1.0.0", 1, 1, 1, T1));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/images/{id}", id)
                .then().statusCode(200)
                .body("status", equalTo("DONE")));
    }

    @Test
    void unreadableDetectionsAreParkedAndTheirImageShowsFailedWithTheReason() {
        String id = newImageId();
        events.publish(uploaded(id, slide, batch));
        events.send(Topics.CELL_DETECTIONS, id, "{ this is not json");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/images/{id}", id)
                .then().statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("failure.stage", equalTo("results"))
                .body("failure.reason", startsWith("unreadable CellDetections record on " + Topics.CELL_DETECTIONS + ": "))
                .body("detection", nullValue()));
    }

    @Test
    void unknownImageSlideAndBatchAreNotFound() {
        when().get("/images/{id}", newImageId())
                .then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(404))
                .body("title", equalTo("Not Found"));
        when().get("/slides/{slide}/counts", "no-such-slide").then().statusCode(404);
        given().get("/batches/{batch}", "no-such-batch").then().statusCode(404);
    }
}
