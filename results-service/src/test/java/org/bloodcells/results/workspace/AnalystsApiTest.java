package org.bloodcells.results.workspace;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.imageio.ImageIO;

import jakarta.inject.Inject;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Thresholds;
import org.bloodcells.results.support.PipelineEvents;
import org.bloodcells.results.support.StoredImages;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
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

/**
 * The analysts' API over real Kafka, PostgreSQL and S3: images listed by filters and paged by cursor, aggregates
 * per slide, batch, scanner and day, CSV, the boxes behind a count drawn over the stored image, and reviews. Every
 * test has its own scanner, slides and batch.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class AnalystsApiTest {

    private static final Instant DAY = Instant.parse("2026-11-20T08:00:00Z");

    @Inject
    ObjectMapper json;

    @Inject
    MinioClient minio;

    @Inject
    javax.sql.DataSource dataSource;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    private PipelineEvents events;
    private final String scanner = "scanner-" + UUID.randomUUID();
    private final String batch = "batch-" + UUID.randomUUID();

    @BeforeEach
    void connect() {
        events = new PipelineEvents(kafkaBootstrapServers, json);
    }

    @AfterEach
    void disconnect() {
        events.close();
    }

    /** Uploads one image of this test's scanner and batch; detects it when counts are given. */
    private String image(String slide, Instant uploadedAt, int rbc, int wbc, int platelets) {
        String id = PipelineEvents.newImageId();
        events.publish(ImageUploaded.builder().imageId(id).bucket("images").objectKey("sha256/" + id + ".jpg")
                .contentType("image/jpeg").sizeBytes(1000).scannerId(scanner).slideId(slide).batchId(batch)
                .uploadedAt(uploadedAt).build());
        if (rbc >= 0) {
            events.publish(PipelineEvents.detections(id, "1.0.0", rbc, wbc, platelets, uploadedAt.plusSeconds(30)));
        }
        return id;
    }

    private void awaitBatch(int images, int done) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().queryParam("by", "batch")
                .queryParam("batch", batch).when().get("/aggregates")
                .then().statusCode(200)
                .body("groups[0].images", equalTo(images))
                .body("groups[0].done", equalTo(done)));
    }

    @Test
    void imagesAreFilteredAndPagedByCursorNewestFirst() {
        // Three images share an upload time, across the boundary of a page of three: the image id breaks the tie.
        int[] minutes = { 0, 1, 2, 2, 2, 3, 4 };
        List<String> ids = new ArrayList<>();
        Map<String, Integer> minuteOf = new java.util.HashMap<>();
        for (int i = 0; i < minutes.length; i++) {
            ids.add(image(i < 4 ? "slide-a-" + batch : "slide-b-" + batch, DAY.plusSeconds(60L * minutes[i]),
                    20 + i, i % 3, 2));
            minuteOf.put(ids.get(i), minutes[i]);
        }
        java.util.Comparator<String> newest = java.util.Comparator.<String>comparingInt(minuteOf::get)
                .thenComparing(java.util.Comparator.naturalOrder()).reversed();
        String pending = image("slide-b-" + batch, DAY.plusSeconds(3600), -1, -1, -1);
        awaitBatch(8, 7);

        // Newest first, three at a time, following the cursor to the end.
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().queryParam("scanner", scanner).queryParam("status", "DONE").queryParam("limit", 3);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.when().get("/images").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.imageId"));
            cursor = page.getString("next");
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        assertEquals(ids.stream().sorted(newest).toList(), seen);
        // Oldest first, through the same tie.
        List<String> ascending = new ArrayList<>();
        cursor = null;
        do {
            var request = given().queryParam("scanner", scanner).queryParam("status", "DONE").queryParam("limit", 3)
                    .queryParam("order", "asc");
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.when().get("/images").then().statusCode(200).extract().jsonPath();
            ascending.addAll(page.getList("items.imageId"));
            cursor = page.getString("next");
        } while (cursor != null);
        assertEquals(ids.stream().sorted(newest.reversed()).toList(), ascending);

        // Oldest first, and the filters each narrow the list.
        given().queryParam("scanner", scanner).queryParam("order", "asc").queryParam("limit", 2)
                .when().get("/images").then().statusCode(200)
                .body("items.imageId", equalTo(ids.subList(0, 2)));
        given().queryParam("batch", batch).queryParam("status", "PENDING").when().get("/images")
                .then().statusCode(200).body("items.imageId", equalTo(List.of(pending)));
        given().queryParam("scanner", scanner).queryParam("count", "WBC:2:").when().get("/images")
                .then().statusCode(200)
                .body("items.imageId", equalTo(List.of(ids.get(5), ids.get(2))))
                .body("items[0].counts.WBC", equalTo(2))
                .body("items[0].modelVersion", equalTo("1.0.0"));
        given().queryParam("slide", "slide-b-" + batch).queryParam("count", "RBC::24").when().get("/images")
                .then().statusCode(200).body("items.imageId", equalTo(List.of(ids.get(4))));
        given().queryParam("scanner", scanner).queryParam("uploadedFrom", DAY.plusSeconds(120).toString())
                .queryParam("uploadedTo", DAY.plusSeconds(240).toString()).when().get("/images")
                .then().statusCode(200)
                .body("items.imageId", equalTo(ids.subList(2, 6).stream().sorted(newest).toList()));
    }

    @Test
    void aggregatesSumDoneImagesPerSlideBatchScannerAndDay() {
        image("slide-a-" + batch, DAY, 10, 1, 3);
        image("slide-a-" + batch, DAY.plusSeconds(60), 20, 2, 4);
        image("slide-b-" + batch, DAY.plus(Duration.ofDays(1)), 30, 0, 5);
        image("slide-b-" + batch, DAY.plus(Duration.ofDays(1)), -1, -1, -1);
        awaitBatch(4, 3);

        given().queryParam("by", "slide").queryParam("batch", batch).when().get("/aggregates")
                .then().statusCode(200)
                .body("by", equalTo("slide"))
                .body("countsBasis", equalTo("reviewed"))
                .body("groups.key", equalTo(List.of("slide-a-" + batch, "slide-b-" + batch)))
                .body("groups[0].images", equalTo(2))
                .body("groups[0].counts.RBC", equalTo(30))
                .body("groups[0].counts.WBC", equalTo(3))
                .body("groups[1].images", equalTo(2))
                .body("groups[1].pending", equalTo(1))
                .body("groups[1].counts.Platelets", equalTo(5));
        given().queryParam("by", "day").queryParam("scanner", scanner)
                .queryParam("uploadedFrom", "2026-11-20").queryParam("uploadedTo", "2026-11-22")
                .when().get("/aggregates").then().statusCode(200)
                .body("groups.key", equalTo(List.of("2026-11-20", "2026-11-21")))
                .body("groups[0].counts.RBC", equalTo(30))
                .body("groups[1].counts.RBC", equalTo(30))
                .body("groups[1].images", equalTo(2));
        // Whole days come from the per-day totals, partial days from the images: the first image (08:00) is left out.
        given().queryParam("by", "day").queryParam("scanner", scanner)
                .queryParam("uploadedFrom", DAY.plusSeconds(30).toString()).queryParam("uploadedTo", "2026-11-22")
                .when().get("/aggregates").then().statusCode(200)
                .body("groups.key", equalTo(List.of("2026-11-20", "2026-11-21")))
                .body("groups[0].images", equalTo(1))
                .body("groups[0].counts.RBC", equalTo(20))
                .body("groups[1].counts.RBC", equalTo(30));
        // A range ending within a day: that day's images before the end only, the whole days before it from the
        // totals, in the model's counts as well as the reviewed ones.
        given().queryParam("by", "day").queryParam("scanner", scanner).queryParam("uploadedFrom", "2026-11-20")
                .queryParam("uploadedTo", DAY.plus(Duration.ofDays(1)).plusSeconds(10).toString())
                .queryParam("counts", "model")
                .when().get("/aggregates").then().statusCode(200)
                .body("countsBasis", equalTo("model"))
                .body("groups.key", equalTo(List.of("2026-11-20", "2026-11-21")))
                .body("groups[0].counts.RBC", equalTo(30))
                .body("groups[1].images", equalTo(2))
                .body("groups[1].counts.Platelets", equalTo(5));
        given().queryParam("by", "day").queryParam("scanner", scanner).queryParam("uploadedFrom", "2026-11-20")
                .queryParam("uploadedTo", DAY.plus(Duration.ofDays(1)).minusSeconds(3600).toString())
                .when().get("/aggregates").then().statusCode(200)
                .body("groups.key", equalTo(List.of("2026-11-20")));
        // A status is answered from the totals too; any other filter reads the images themselves, with the same sums.
        given().queryParam("by", "day").queryParam("scanner", scanner).queryParam("status", "PENDING")
                .queryParam("uploadedFrom", "2026-11-20").queryParam("uploadedTo", "2026-11-22")
                .when().get("/aggregates").then().statusCode(200)
                .body("groups.key", equalTo(List.of("2026-11-21")))
                .body("groups[0].images", equalTo(1))
                .body("groups[0].done", equalTo(0))
                .body("groups[0].counts.RBC", equalTo(0));
        given().queryParam("by", "day").queryParam("scanner", scanner).queryParam("version", "1.0.0")
                .queryParam("uploadedFrom", "2026-11-20").queryParam("uploadedTo", "2026-11-22")
                .when().get("/aggregates").then().statusCode(200)
                .body("groups[0].counts.RBC", equalTo(30))
                .body("groups[1].counts.RBC", equalTo(30))
                .body("groups[1].images", equalTo(1));
        given().queryParam("by", "scanner").queryParam("scanner", scanner).when().get("/aggregates")
                .then().statusCode(200)
                .body("groups", hasSize(1))
                .body("groups[0].key", equalTo(scanner))
                .body("groups[0].counts.WBC", equalTo(3));
        // Paged by key.
        String next = given().queryParam("by", "slide").queryParam("batch", batch).queryParam("limit", 1)
                .when().get("/aggregates").then().statusCode(200)
                .body("groups.key", equalTo(List.of("slide-a-" + batch))).extract().path("next");
        given().queryParam("by", "slide").queryParam("batch", batch).queryParam("cursor", next)
                .when().get("/aggregates").then().statusCode(200)
                .body("groups.key", equalTo(List.of("slide-b-" + batch)))
                .body("next", nullValue());
    }

    @Test
    void everyListIsAlsoStreamedAsCsv() {
        // A slide id cannot start a spreadsheet formula (the events' origin-id rule; CsvTest neutralises one anyway).
        image("slide-b-" + batch, DAY, 11, 1, 2);
        image("slide-a-" + batch, DAY.plusSeconds(60), 12, 0, 3);
        awaitBatch(2, 2);

        String csv = given().queryParam("batch", batch).queryParam("format", "csv").when().get("/images")
                .then().statusCode(200).contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("images.csv")).extract().asString();
        String[] lines = csv.split("\r\n");
        assertEquals(3, lines.length, csv);
        assertTrue(lines[0].startsWith("image_id,status,scanner_id,slide_id,batch_id,uploaded_at"), lines[0]);
        assertTrue(lines[2].contains(",slide-b-" + batch + "," + batch + ","), lines[2]);
        assertTrue(lines[1].contains(",12,0,3,12,0,3,NONE,"), lines[1]);

        String byAccept = given().queryParam("batch", batch).accept("text/csv").when().get("/images")
                .then().statusCode(200).extract().asString();
        assertEquals(csv, byAccept);
        given().queryParam("by", "slide").queryParam("batch", batch).queryParam("format", "csv")
                .when().get("/aggregates").then().statusCode(200)
                .body(startsWith("slide,images,done,pending,failed,corrected_images,RBC_reviewed,WBC_reviewed,"
                        + "Platelets_reviewed\r\n"));
    }

    @Test
    void aCorrectionIsReportedBesideTheModelCountsAndAudited() {
        String slide = "slide-" + batch;
        String corrected = image(slide, DAY, 40, 1, 6);
        image(slide, DAY.plusSeconds(60), 30, 2, 4);
        String pending = image(slide, DAY.plusSeconds(120), -1, -1, -1);
        awaitBatch(3, 2);

        signedIn("ana").body(Map.of("action", "CORRECTED",
                "counts", Map.of("WBC", 3, "Platelets", 5), "comment", "two WBC overlap; one platelet is debris"))
                .when().post("/images/{id}/review", corrected).then().statusCode(200)
                .body("action", equalTo("CORRECTED"))
                .body("reviewer", equalTo("ana"))
                .body("before.WBC", equalTo(1))
                .body("after.WBC", equalTo(3))
                .body("after.RBC", equalTo(40))
                .body("modelCounts.Platelets", equalTo(6))
                .body("modelVersion", equalTo("1.0.0"));

        given().queryParam("slide", slide).queryParam("review", "CORRECTED").when().get("/images")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].counts.WBC", equalTo(3))
                .body("items[0].modelCounts.WBC", equalTo(1))
                .body("items[0].reviewStatus", equalTo("CORRECTED"));
        given().queryParam("by", "slide").queryParam("slide", slide).when().get("/aggregates")
                .then().statusCode(200)
                .body("countsBasis", equalTo("reviewed"))
                .body("groups[0].correctedImages", equalTo(1))
                .body("groups[0].counts.WBC", equalTo(5))
                .body("groups[0].counts.Platelets", equalTo(9));
        given().queryParam("by", "slide").queryParam("slide", slide).queryParam("counts", "model")
                .when().get("/aggregates").then().statusCode(200)
                .body("countsBasis", equalTo("model"))
                .body("groups[0].counts.WBC", equalTo(3))
                .body("groups[0].counts.Platelets", equalTo(10));
        given().queryParam("by", "day").queryParam("scanner", scanner).queryParam("uploadedFrom", "2026-11-20")
                .queryParam("uploadedTo", "2026-11-21").when().get("/aggregates").then().statusCode(200)
                .body("groups[0].correctedImages", equalTo(1))
                .body("groups[0].counts.WBC", equalTo(5));
        // The slide's and batch's own totals stay the model's and say how many images were corrected.
        when().get("/slides/{id}/counts", slide).then().statusCode(200)
                .body("counts.WBC", equalTo(3))
                .body("correctedImages", equalTo(1));

        // A confirmation withdraws the correction; both reviews stay in the trail.
        signedIn("ben").body(Map.of("action", "CONFIRMED"))
                .when().post("/images/{id}/review", corrected).then().statusCode(200)
                .body("before.WBC", equalTo(3)).body("after.WBC", equalTo(1));
        when().get("/images/{id}/reviews", corrected).then().statusCode(200)
                .body("reviewer", equalTo(List.of("ana", "ben")))
                .body("action", equalTo(List.of("CORRECTED", "CONFIRMED")))
                .body("[0].comment", equalTo("two WBC overlap; one platelet is debris"));

        // Refused, with the reason.
        signedIn("ana").body(Map.of("reviewer", "ben", "action", "CORRECTED", "counts", Map.of("WBC", 2)))
                .when().post("/images/{id}/review", corrected).then().statusCode(403)
                .body("detail", containsString("reviewer"));
        signedIn("ana").body(Map.of("action", "CORRECTED",
                "counts", Map.of("WBC", -1))).when().post("/images/{id}/review", corrected).then().statusCode(400);
        signedIn("ana").body(Map.of("action", "CORRECTED",
                "counts", Map.of("Neutrophil", 2))).when().post("/images/{id}/review", corrected)
                .then().statusCode(400).body("detail", containsString("Neutrophil"));
        signedIn("ana").body(Map.of("action", "CONFIRMED"))
                .when().post("/images/{id}/review", pending).then().statusCode(409);
        signedIn("ana").body(Map.of("action", "CONFIRMED"))
                .when().post("/images/{id}/review", PipelineEvents.newImageId()).then().statusCode(404);
    }

    @Test
    void flaggedImagesQueueForReviewUntilReviewed() {
        String slide = "slide-" + batch;
        List<String> ordinary = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ordinary.add(image(slide, DAY.plusSeconds(i), 50 + i, 1, 3));
        }
        awaitBatch(6, 6);
        String outlier = image(slide, DAY.plusSeconds(60), 52, 14, 3);
        String uncertain = PipelineEvents.newImageId();
        events.publish(ImageUploaded.builder().imageId(uncertain).bucket("images").objectKey("k")
                .contentType("image/jpeg").sizeBytes(1).scannerId(scanner).slideId("other-" + slide).batchId(batch)
                .uploadedAt(DAY.plusSeconds(120)).build());
        List<DetectedCell> cells = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            cells.add(new DetectedCell("RBC", 0.42, 10 * i, 10, 10 * i + 40, 50));
        }
        cells.add(new DetectedCell("RBC", 0.2, 300, 300, 340, 340));
        events.publish(new CellDetections(uncertain, "efficientdet-d0-bccd", "1.0.0", 640, 480, cells,
                Map.of("RBC", 6, "WBC", 0, "Platelets", 0), 40, "worker-1", DAY.plusSeconds(150), null, 1,
                List.of("colour: stain unlike the training images"),
                new Thresholds(0.1, Map.of("RBC", 0.3), "score > 0.1"), 0.8));
        awaitBatch(8, 8);

        JsonPath queue = given().queryParam("batch", batch).when().get("/review").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(uncertain, outlier), queue.getList("items.imageId"),
                "the image the worker doubted most first; the outlier's worker sent no doubt");
        assertEquals(0.8f, queue.getFloat("items[0].doubt"));
        assertTrue(queue.getString("items[1].flags[0]").startsWith("outlier: WBC 14"), queue.prettify());
        List<String> flags = queue.getList("items[0].flags");
        assertEquals(2, flags.size(), flags.toString());
        assertTrue(flags.get(0).startsWith("uncertain: 6 counted cells"), flags.toString());
        assertTrue(flags.get(1).startsWith("out of distribution: colour"), flags.toString());

        signedIn("ana").body(Map.of("action", "CONFIRMED",
                "comment", "a leukocytosis field, real")).when().post("/images/{id}/review", outlier)
                .then().statusCode(200);
        given().queryParam("batch", batch).when().get("/review").then().statusCode(200)
                .body("items.imageId", equalTo(List.of(uncertain)));
        given().queryParam("batch", batch).queryParam("flagged", false).when().get("/images").then()
                .statusCode(200).body("items.imageId", not(hasItem(outlier))).body("items", hasSize(6));
    }

    @Test
    void theBoxesAreDrawnOverTheStoredImageWithTheirThresholds() throws Exception {
        String id = PipelineEvents.newImageId();
        String key = "test/" + id + ".jpg";
        StoredImages.store(minio, "images", key, Path.of("../datasets/bccd/JPEGImages/BloodImage_00000.jpg"));
        events.publish(ImageUploaded.builder().imageId(id).bucket("images").objectKey(key).contentType("image/jpeg")
                .sizeBytes(1000).scannerId(scanner).slideId("slide-" + batch).batchId(batch).uploadedAt(DAY).build());
        List<DetectedCell> cells = List.of(new DetectedCell("RBC", 0.9, 100, 100, 200, 200),
                new DetectedCell("WBC", 0.8, 300, 150, 450, 300),
                new DetectedCell("WBC", 0.5, 20, 300, 80, 360));
        events.publish(new CellDetections(id, "efficientdet-d0-bccd", "1.2.0", 640, 480, cells,
                Map.of("RBC", 1, "WBC", 1, "Platelets", 0), 40, "worker-1", DAY.plusSeconds(5), null, 1, List.of(),
                new Thresholds(0.3, Map.of("RBC", 0.3, "WBC", 0.575, "Platelets", 0.625), "score > 0.3, 1 view")));
        awaitBatch(1, 1);

        given().when().get("/images/{id}/detections", id).then().statusCode(200)
                .body("modelVersion", equalTo("1.2.0"))
                .body("thresholds.score", equalTo(0.3f))
                .body("thresholds.count.WBC", equalTo(0.575f))
                .body("thresholds.postProcessing", equalTo("score > 0.3, 1 view"))
                .body("cells.counted", equalTo(List.of(true, true, false)))
                .body("counts.WBC", equalTo(1));

        BufferedImage all = png(given().when().get("/images/{id}/overlay.png", id));
        assertEquals(640, all.getWidth());
        assertEquals(480, all.getHeight());
        assertEquals(new Color(0xd6, 0x27, 0x28), new Color(all.getRGB(150, 200)), "RBC box edge in red");
        assertEquals(new Color(0x1f, 0x77, 0xb4), new Color(all.getRGB(300, 220)), "WBC box edge in blue");

        BufferedImage wbcOnly = png(given().queryParam("classes", "WBC").when().get("/images/{id}/overlay.png", id));
        assertNotEquals(new Color(0xd6, 0x27, 0x28), new Color(wbcOnly.getRGB(150, 200)), "RBC boxes hidden");
        assertEquals(new Color(0x1f, 0x77, 0xb4), new Color(wbcOnly.getRGB(300, 220)));

        given().queryParam("classes", "Neutrophil").when().get("/images/{id}/overlay.png", id).then()
                .statusCode(400);
        when().get("/images/{id}/overlay.png", PipelineEvents.newImageId()).then().statusCode(404);
    }

    @Test
    void thePerDayTotalsAlwaysEqualTheirImages() throws Exception {
        String slide = "slide-" + batch;
        String corrected = image(slide, DAY.plus(Duration.ofDays(3)), 12, 1, 1);
        String confirmed = image(slide, DAY.plus(Duration.ofDays(3)), 14, 0, 2);
        image(slide, DAY.plus(Duration.ofDays(4)), -1, -1, -1);
        // Detections before the upload: the image's row exists before it has a scanner and an upload time.
        String late = PipelineEvents.newImageId();
        events.publish(PipelineEvents.detections(late, "1.0.0", 9, 0, 1, DAY.plus(Duration.ofDays(4))));
        events.awaitConsumed(org.bloodcells.events.Topics.CELL_DETECTIONS);
        events.publish(ImageUploaded.builder().imageId(late).bucket("images").objectKey("k").contentType("image/jpeg")
                .sizeBytes(1).scannerId(scanner).slideId(slide).batchId(batch)
                .uploadedAt(DAY.plus(Duration.ofDays(4))).build());
        awaitBatch(4, 3);
        signedIn("ana").body(Map.of("action", "CORRECTED",
                "counts", Map.of("RBC", 20))).when().post("/images/{id}/review", corrected).then().statusCode(200);
        signedIn("ana").body(Map.of("action", "CORRECTED",
                "counts", Map.of("WBC", 2))).when().post("/images/{id}/review", confirmed).then().statusCode(200);
        signedIn("ben").body(Map.of("action", "CONFIRMED"))
                .when().post("/images/{id}/review", confirmed).then().statusCode(200);

        // What the trigger kept, against the totals recomputed from every image stored by every test so far
        // (migration V4's view, which image_day_totals_rebuild() copies).
        String recomputed = "select * from image_day_totals_from_images";
        String kept = "select * from image_day_totals where images <> 0";
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            for (String difference : List.of("(" + kept + ") except (" + recomputed + ")",
                    "(" + recomputed + ") except (" + kept + ")")) {
                try (var rows = statement.executeQuery(difference)) {
                    assertTrue(!rows.next(), "per-day totals differ from their images: " + difference);
                }
            }
        }
        given().queryParam("by", "day").queryParam("scanner", scanner).queryParam("uploadedFrom", "2026-11-23")
                .queryParam("uploadedTo", "2026-11-25").when().get("/aggregates").then().statusCode(200)
                .body("groups.key", equalTo(List.of("2026-11-23", "2026-11-24")))
                .body("groups[0].counts.RBC", equalTo(34))
                .body("groups[0].counts.WBC", equalTo(1))
                .body("groups[0].correctedImages", equalTo(1))
                .body("groups[1].pending", equalTo(1))
                .body("groups[1].done", equalTo(1))
                .body("groups[1].counts.RBC", equalTo(9));
    }

    @Test
    void theApiIsDescribedByOpenApiWithSwaggerUi() {
        String document = when().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        for (String path : List.of("/images", "/aggregates", "/review", "/images/{imageId}/overlay.png",
                "/images/{imageId}/review", "/batches/{batchId}")) {
            assertTrue(document.contains("\"" + path + "\""), path + " in the OpenAPI document");
        }
        when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
        given().queryParam("count", "WBC:5:2").when().get("/images").then().statusCode(400)
                .body("detail", containsString("minimum is above its maximum"));
        given().queryParam("by", "week").when().get("/aggregates").then().statusCode(400);
        given().queryParam("cursor", "not-a-cursor").when().get("/images").then().statusCode(400);
    }

    private static BufferedImage png(io.restassured.response.Response response) throws Exception {
        response.then().statusCode(200).contentType("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.asByteArray()));
        assertNotEquals(null, image);
        return image;
    }

    /** A review request sent by this analyst, signed in with their own token: a review is who is signed in. */
    private static io.restassured.specification.RequestSpecification signedIn(String analyst) {
        return given().auth().oauth2(org.bloodcells.testsupport.TestTokens.of(analyst, org.bloodcells.http.Roles.ANALYST))
                .contentType(ContentType.JSON);
    }
}
