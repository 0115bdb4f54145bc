package org.bloodcells.results.workspace;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Scale;
import org.bloodcells.events.Thresholds;
import org.bloodcells.http.Roles;
import org.bloodcells.images.DatasetSplit;
import org.bloodcells.images.VocAnnotation;
import org.bloodcells.results.support.PipelineEvents;
import org.bloodcells.results.support.StoredImages;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.bloodcells.testsupport.TestTokens;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * The images whose boxes analysts confirmed or edited, written as a PASCAL VOC dataset to real S3 and read back:
 * annotations of the reviewed cells, the stored bytes, the split fixed by image id, the manifest last; and the
 * requests that cannot make one refused with their reason. Tests run with a minimum of 3 images (%test).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class CorrectionsDatasetTest {

    private static final Path BCCD_IMAGE = Path.of("../datasets/bccd/JPEGImages/BloodImage_00000.jpg");
    private static final Instant DAY = Instant.parse("2026-11-22T08:00:00Z");
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
    private final String name = "site-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void connect() {
        events = new PipelineEvents(kafkaBootstrapServers, json);
    }

    @AfterEach
    void disconnect() {
        events.close();
    }

    @Test
    void confirmedAndEditedImagesAreWrittenAsAVocDatasetSplitByImageIdWithTheManifestLast() throws Exception {
        String edited = image("slide-1", CELLS);
        String confirmed = image("slide-1", CELLS);
        String unreviewed = image("slide-1", CELLS);
        String confirmedToo = image("slide-2", CELLS);
        String deleted = image("slide-2", CELLS);
        awaitDone(5);
        analyst("ana").body(Map.of("action", "RECLASSIFY", "cell", "m1", "cellClass", "RBC"))
                .when().post("/images/{id}/cells/edits", edited).then().statusCode(201);
        String drawn = analyst("ana").body(Map.of("action", "ADD", "cellClass", "Platelets",
                "box", Map.of("x1", 500, "y1", 400, "x2", 520, "y2", 420)))
                .when().post("/images/{id}/cells/edits", edited).then().statusCode(201).extract().path("edit.cell");
        analyst("ben").when().post("/images/{id}/cells/confirmation", confirmed).then().statusCode(200);
        analyst("ben").when().post("/images/{id}/cells/confirmation", confirmedToo).then().statusCode(200);
        analyst("ben").body(Map.of("action", "DELETE", "cell", "m0"))
                .when().post("/images/{id}/cells/edits", deleted).then().statusCode(201);

        JsonPath manifest = analyst("ana").body(Map.of("name", name, "scanner", scanner))
                .when().post("/datasets").then().statusCode(201).extract().jsonPath();
        List<String> ids = new ArrayList<>(List.of(edited, confirmed, confirmedToo, deleted));
        ids.sort(null);
        assertEquals(name, manifest.getString("name"));
        assertEquals(4, manifest.getInt("images"));
        assertEquals(List.of("RBC", "WBC", "Platelets"), manifest.getList("classes"));
        assertEquals(Map.of("scanner", scanner), manifest.getMap("filter"));
        assertEquals("ana", manifest.getString("createdBy"));

        // The split, fixed by image id; the unreviewed image in none.
        String root = "datasets/" + name + "/";
        int listed = 0;
        for (DatasetSplit split : DatasetSplit.values()) {
            List<String> expected = ids.stream().filter(id -> DatasetSplit.of(id, 15, 15) == split).toList();
            String file = read(root + "ImageSets/Main/" + split.fileName() + ".txt");
            assertEquals(expected.stream().map(id -> id + "\n").reduce("", String::concat), file, split.fileName());
            assertEquals(expected.size(), manifest.getInt("splits." + split.fileName()), split.fileName());
            listed += expected.size();
        }
        assertEquals(4, listed);
        assertTrue(!read(root + "ImageSets/Main/train.txt").contains(unreviewed));

        // The edited image's annotation: its counted reviewed cells (the dashed WBC under its threshold is left out),
        // its size and its run's scale; its bytes as stored.
        VocAnnotation expected = new VocAnnotation(edited + ".jpg", 640, 480, 0.1, "DECLARED",
                List.of(new VocAnnotation.Box("RBC", 100, 100, 200, 200), new VocAnnotation.Box("RBC", 300, 150, 450,
                        300), new VocAnnotation.Box("Platelets", 500, 400, 520, 420)), List.of());
        assertEquals(expected.toXml(), read(root + "Annotations/" + edited + ".xml"), "drawn cell " + drawn);
        assertTrue(read(root + "Annotations/" + deleted + ".xml").contains("<name>WBC</name>"));
        assertTrue(!read(root + "Annotations/" + deleted + ".xml").contains("<name>RBC</name>"), "deleted cell");
        assertArrayEquals(Files.readAllBytes(BCCD_IMAGE), bytes(root + "JPEGImages/" + edited + ".jpg"));

        // The fingerprint: SHA-256 over the sorted ids, each followed by its annotation.
        TreeMap<String, String> annotations = new TreeMap<>();
        for (String id : ids) {
            annotations.put(id, read(root + "Annotations/" + id + ".xml"));
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        annotations.forEach((id, xml) -> {
            sha.update(id.getBytes(StandardCharsets.UTF_8));
            sha.update(xml.getBytes(StandardCharsets.UTF_8));
        });
        assertEquals(HexFormat.of().formatHex(sha.digest()), manifest.getString("fingerprint"));

        // The manifest in the bucket is the one returned, and GET reads it.
        JsonPath stored = new JsonPath(read(root + "dataset.json"));
        assertEquals(manifest.getString("fingerprint"), stored.getString("fingerprint"));
        assertEquals(manifest.getString("createdAt"), stored.getString("createdAt"));
        given().auth().oauth2(TestTokens.of("olga", Roles.OPS)).when().get("/datasets/{name}", name).then()
                .statusCode(200).body("fingerprint", equalTo(manifest.getString("fingerprint")))
                .body("splits.test", equalTo(manifest.getInt("splits.test")));

        // Audited as an export of patient data; a name is written once.
        given().auth().oauth2(TestTokens.of("olga", Roles.OPS)).queryParam("action", "EXPORT")
                .queryParam("subject", "dataset " + name).when().get("/audit").then().statusCode(200)
                .body("items.actor", equalTo(List.of("ana")))
                .body("items[0].detail", containsString("4 images"));
        analyst("ana").body(Map.of("name", name, "scanner", scanner)).when().post("/datasets").then()
                .statusCode(409).body("detail", containsString("dataset " + name + " exists"));
    }

    @Test
    void aDatasetThatCannotTeachAnythingIsRefusedWithTheReason() {
        String first = image("slide-1", CELLS);
        String second = image("slide-1", CELLS);
        image("slide-1", CELLS);
        String unknownClass = image("slide-2", List.of(new DetectedCell("Basophil", 0.9, 10, 10, 50, 50)));
        awaitDone(4);

        refused(Map.of("name", name, "scanner", "nobody-" + scanner), 422, "no DONE images match");
        refused(Map.of("name", name, "scanner", scanner), 422, "no confirmed images: none of the 4 images");
        analyst("ana").when().post("/images/{id}/cells/confirmation", first).then().statusCode(200);
        analyst("ana").when().post("/images/{id}/cells/confirmation", second).then().statusCode(200);
        refused(Map.of("name", name, "scanner", scanner, "slide", "slide-1-" + batch), 422,
                "too few images: 2 of the 3 images");
        analyst("ana").when().post("/images/{id}/cells/confirmation", unknownClass).then().statusCode(200);
        refused(Map.of("name", name, "scanner", scanner), 422, "Basophil, which the model does not know");
        refused(Map.of("name", "../escape", "scanner", scanner), 400, "name must match");
        refused(Map.of("name", name, "scanner", scanner, "from", "yesterday"), 400, "uploadedFrom must be");
        given().auth().oauth2(TestTokens.of("olga", Roles.OPS)).when().get("/datasets/{name}", name).then()
                .statusCode(404);
    }

    private void refused(Map<String, Object> request, int status, String reason) {
        analyst("ana").body(request).when().post("/datasets").then().statusCode(status)
                .contentType("application/problem+json").body("detail", containsString(reason));
    }

    /** An image of this test's scanner, stored in S3, detected with {@code cells} at 0.1 µm per pixel. */
    private String image(String slide, List<DetectedCell> cells) {
        String id = PipelineEvents.newImageId();
        String key = "dataset-test/" + id + ".jpg";
        StoredImages.store(minio, "images", key, BCCD_IMAGE);
        events.publish(ImageUploaded.builder().imageId(id).bucket("images").objectKey(key).contentType("image/jpeg")
                .sizeBytes(1000).scannerId(scanner).slideId(slide + "-" + batch).batchId(batch).uploadedAt(DAY)
                .build());
        events.publish(new CellDetections(id, "efficientdet-d0-bccd", "1.2.0", 640, 480, cells,
                Map.of("RBC", 1, "WBC", 1, "Platelets", 0), 40, "worker-1", DAY.plusSeconds(5),
                new Scale(0.1, "DECLARED"), 1, List.of(), new Thresholds(0.3, Map.of("RBC", 0.3, "WBC", 0.575,
                        "Platelets", 0.625), "score > 0.3, 1 view")));
        return id;
    }

    private void awaitDone(int done) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().queryParam("by", "batch")
                .queryParam("batch", batch).when().get("/aggregates").then().statusCode(200)
                .body("groups[0].done", equalTo(done)));
    }

    private String read(String key) throws Exception {
        return new String(bytes(key), StandardCharsets.UTF_8);
    }

    private byte[] bytes(String key) throws Exception {
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket("images").object(key).build())) {
            return in.readAllBytes();
        }
    }

    private static RequestSpecification analyst(String name) {
        return given().auth().oauth2(TestTokens.of(name, Roles.ANALYST)).contentType(ContentType.JSON);
    }
}
