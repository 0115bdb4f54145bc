package org.bloodcells.ingest.api;

import static io.restassured.RestAssured.given;
import static org.bloodcells.ingest.support.TestImages.IMAGE_11;
import static org.bloodcells.ingest.support.TestImages.IMAGE_15;
import static org.bloodcells.ingest.support.TestImages.IMAGE_7;
import static org.bloodcells.ingest.support.TestImages.bccd;
import static org.bloodcells.ingest.support.TestImages.uniqueVariant;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageMembership;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Scale;
import org.bloodcells.http.Problem;
import org.bloodcells.images.ImageFormat;
import org.bloodcells.storage.ObjectKeys;
import org.bloodcells.ingest.support.EventTopic;
import org.bloodcells.ingest.support.TestBucket;
import org.bloodcells.storage.StorageConfig;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Uploads against the real S3 server and Kafka broker of the local infrastructure. Tests that
 * need bytes nobody else uploads use {@link org.bloodcells.ingest.support.TestImages#uniqueVariant},
 * so the tests do not depend on their order.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class ImageUploadResourceTest {

    @Inject
    StorageConfig storage;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    private TestBucket bucket;
    private EventTopic<ImageUploaded> topic;
    private EventTopic<ImageMembership> memberships;

    @BeforeEach
    void connect() {
        bucket = new TestBucket(storage.endpoint(), storage.accessKey(), storage.secretKey(), storage.bucket());
        topic = EventTopic.uploads(kafkaBootstrapServers, json);
        memberships = EventTopic.memberships(kafkaBootstrapServers, json);
    }

    @Test
    void uploadedBccdImagesAreStoredByteForByteAndAnnouncedOnce() throws Exception {
        byte[] first = bccd(IMAGE_7);
        byte[] second = bccd(IMAGE_11);

        Response response = given()
                .multiPart("file", IMAGE_7, first, "image/jpeg")
                .multiPart("file", IMAGE_11, second, "image/jpeg")
                .multiPart("scannerId", "scanner-7")
                .multiPart("slideId", "slide-1")
                .multiPart("batchId", "batch-1")
                .when().post("/images")
                .then().statusCode(201)
                .body("images", hasSize(2))
                .extract().response();

        assertStoredAndAnnouncedOnce(response, 0, IMAGE_7, first);
        assertStoredAndAnnouncedOnce(response, 1, IMAGE_11, second);
    }

    private void assertStoredAndAnnouncedOnce(Response response, int index, String fileName, byte[] bytes)
            throws Exception {
        String path = "images[" + index + "].";
        String imageId = response.path(path + "imageId");
        String objectKey = response.path(path + "objectKey");
        assertEquals(ImageId.of(bytes), imageId);
        assertEquals(fileName, response.path(path + "fileName"));
        assertEquals(Boolean.TRUE, response.path(path + "created"));
        assertEquals(ObjectKeys.image(imageId, ImageFormat.JPEG), objectKey);
        assertArrayEquals(bytes, bucket.read(objectKey));

        List<ImageUploaded> events = topic.eventsFor(imageId);
        assertEquals(1, events.size(), "events for " + fileName);
        ImageUploaded event = events.get(0);
        assertEquals(storage.bucket(), event.bucket());
        assertEquals(objectKey, event.objectKey());
        assertEquals("image/jpeg", event.contentType());
        assertEquals(bytes.length, event.sizeBytes());
        assertEquals("scanner-7", event.scannerId());
        assertEquals("slide-1", event.slideId());
        assertEquals("batch-1", event.batchId());
    }

    /** Counters only grow, and other tests of this class upload too: each is read before and after. */
    @Test
    void metricsCountImagesBytesAndRejectionsByReason() {
        double storedBefore = metric("bloodcells_ingest_images_total{outcome=\"stored\"}");
        double bytesBefore = metric("bloodcells_ingest_stored_bytes_sum");
        double rejectedBefore = metric("bloodcells_ingest_rejections_total{reason=\"NOT_AN_IMAGE\"}");
        byte[] image = uniqueVariant(IMAGE_7);

        given().multiPart("file", "x.jpg", image, "image/jpeg")
                .multiPart("scannerId", "scanner-7").multiPart("slideId", "slide-m").multiPart("batchId", "batch-m")
                .when().post("/images").then().statusCode(201);
        given().multiPart("file", "notes.txt", "not a picture".getBytes(StandardCharsets.UTF_8), "image/jpeg")
                .multiPart("scannerId", "scanner-7").multiPart("slideId", "slide-m").multiPart("batchId", "batch-m")
                .when().post("/images").then().statusCode(415);

        assertEquals(storedBefore + 1, metric("bloodcells_ingest_images_total{outcome=\"stored\"}"));
        assertEquals(bytesBefore + image.length, metric("bloodcells_ingest_stored_bytes_sum"));
        assertEquals(rejectedBefore + 1, metric("bloodcells_ingest_rejections_total{reason=\"NOT_AN_IMAGE\"}"));
    }

    /** A sample of /q/metrics (Prometheus text), 0 while the series does not exist yet. */
    private static double metric(String series) {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(
                        series.length() + 1).trim())).findFirst().orElse(0);
    }

    @Test
    void reuploadingSameBytesKeepsOneImageAndAnnouncesItsMembershipOfTheNewBatch() {
        byte[] bytes = bccd(IMAGE_15);
        String imageId = ImageId.of(bytes);

        given().multiPart("file", IMAGE_15, bytes, "image/jpeg")
                .multiPart("scannerId", "scanner-7").multiPart("slideId", "slide-2").multiPart("batchId", "batch-2")
                .when().post("/images")
                .then().statusCode(201)
                .body("images[0].imageId", equalTo(imageId))
                .body("images[0].created", equalTo(true));

        given().multiPart("file", "again.jpg", bytes, "image/jpeg")
                .multiPart("scannerId", "scanner-8").multiPart("slideId", "slide-3").multiPart("batchId", "batch-3")
                .when().post("/images")
                .then().statusCode(200)
                .body("images[0].imageId", equalTo(imageId))
                .body("images[0].created", equalTo(false));

        assertEquals(1, topic.eventsFor(imageId).size(), "searched once");
        List<ImageMembership> added = memberships.eventsFor(imageId);
        assertEquals(1, added.size());
        assertEquals(List.of("scanner-8", "slide-3", "batch-3"),
                List.of(added.get(0).scannerId(), added.get(0).slideId(), added.get(0).batchId()));
    }

    @Test
    void retryAnnouncesAnImageThatACrashedAttemptStoredButNeverAnnounced() throws Exception {
        byte[] bytes = uniqueVariant(IMAGE_7);
        String imageId = ImageId.of(bytes);
        String objectKey = ObjectKeys.image(imageId, ImageFormat.JPEG);
        // What a crash between storing the object and Kafka's ack leaves behind: the object, no marker.
        bucket.put(objectKey, bytes, "image/jpeg");

        given().multiPart("file", "retried.jpg", bytes, "image/jpeg")
                .multiPart("scannerId", "scanner-7").multiPart("slideId", "slide-4").multiPart("batchId", "batch-4")
                .when().post("/images")
                .then().statusCode(201)
                .body("images[0].imageId", equalTo(imageId))
                .body("images[0].created", equalTo(true));

        assertEquals(1, topic.eventsFor(imageId).size());
        assertTrue(bucket.exists(ObjectKeys.publishedMarker(imageId)));
    }

    @Test
    void nonImageIsRejectedAndNothingIsStoredOrPublished() throws Exception {
        Set<String> keysBefore = bucket.keys();
        int eventsBefore = topic.size();

        given().multiPart("file", "notes.txt", "not a picture".getBytes(StandardCharsets.UTF_8), "image/jpeg")
                .multiPart("scannerId", "scanner-7").multiPart("slideId", "slide-5").multiPart("batchId", "batch-5")
                .when().post("/images")
                .then().statusCode(415)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(415))
                .body("title", equalTo("Not an acceptable image"))
                .body("detail", containsString("notes.txt"))
                .body("files[0].file", equalTo("notes.txt"))
                .body("files[0].reason", equalTo("NOT_AN_IMAGE"));

        assertEquals(keysBefore, bucket.keys());
        assertEquals(eventsBefore, topic.size());
    }

    @Test
    void batchWithOneDamagedFileIsRejectedWholeAndNothingIsStored() throws Exception {
        byte[] good = uniqueVariant(IMAGE_11);
        byte[] damaged = uniqueVariant(IMAGE_15);
        damaged = Arrays.copyOf(damaged, damaged.length / 2);
        Set<String> keysBefore = bucket.keys();
        int eventsBefore = topic.size();

        given().multiPart("file", "good.jpg", good, "image/jpeg")
                .multiPart("file", "damaged.jpg", damaged, "image/jpeg")
                .multiPart("scannerId", "scanner-7").multiPart("slideId", "slide-6").multiPart("batchId", "batch-6")
                .when().post("/images")
                .then().statusCode(422)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("1 of 2 files rejected"))
                .body("files", hasSize(1))
                .body("files[0].file", equalTo("damaged.jpg"))
                .body("files[0].reason", equalTo("CORRUPT"));

        assertEquals(keysBefore, bucket.keys());
        assertFalse(bucket.exists(ObjectKeys.image(ImageId.of(good), ImageFormat.JPEG)));
        assertEquals(eventsBefore, topic.size());
    }

    @Test
    void rawImageBodyTakesItsOriginFromQueryParameters() throws Exception {
        byte[] bytes = uniqueVariant(IMAGE_11);
        String imageId = ImageId.of(bytes);

        given().contentType("image/jpeg").body(bytes)
                .queryParam("scannerId", "scanner-9").queryParam("slideId", "slide-7").queryParam("batchId", "batch-7")
                .queryParam("fileName", "raw.jpg")
                .when().post("/images")
                .then().statusCode(201)
                .body("images[0].imageId", equalTo(imageId))
                .body("images[0].fileName", equalTo("raw.jpg"))
                .body("images[0].width", equalTo(640))
                .body("images[0].height", equalTo(480));

        assertArrayEquals(bytes, bucket.read(ObjectKeys.image(imageId, ImageFormat.JPEG)));
        List<ImageUploaded> events = topic.eventsFor(imageId);
        assertEquals(1, events.size());
        assertEquals("slide-7", events.get(0).slideId());
    }

    @Test
    void theScaleTravelsWithTheImageDeclaredElseTheScannersElseNone() throws Exception {
        byte[] declared = uniqueVariant(IMAGE_7);
        given().multiPart("file", "d.jpg", declared, "image/jpeg").multiPart("scannerId", "scanner-scaled")
                .multiPart("slideId", "slide-s").multiPart("batchId", "batch-s").multiPart("micronsPerPixel", "0.1")
                .when().post("/images").then().statusCode(201);
        byte[] scanner = uniqueVariant(IMAGE_7);
        given().multiPart("file", "s.jpg", scanner, "image/jpeg").multiPart("scannerId", "scanner-scaled")
                .multiPart("slideId", "slide-s").multiPart("batchId", "batch-s")
                .when().post("/images").then().statusCode(201);
        byte[] unknown = uniqueVariant(IMAGE_7);
        given().contentType("image/jpeg").body(unknown).queryParam("scannerId", "scanner-7")
                .queryParam("slideId", "slide-s").queryParam("batchId", "batch-s")
                .when().post("/images").then().statusCode(201);

        assertEquals(new Scale(0.1, "DECLARED"), topic.eventsFor(ImageId.of(declared)).get(0).scale());
        assertEquals(new Scale(0.2, "SCANNER"), topic.eventsFor(ImageId.of(scanner)).get(0).scale());
        assertNull(topic.eventsFor(ImageId.of(unknown)).get(0).scale(), "BCCD's JPEGs record no scale");
    }

    @Test
    void aScaleNoMicroscopeHasIsABadRequest() {
        for (String scale : List.of("-1", "300", "fine")) {
            given().multiPart("file", "x.jpg", uniqueVariant(IMAGE_7), "image/jpeg")
                    .multiPart("scannerId", "scanner-7").multiPart("slideId", "slide-8").multiPart("batchId", "batch-8")
                    .multiPart("micronsPerPixel", scale)
                    .when().post("/images")
                    .then().statusCode(400)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("detail", containsString("micronsPerPixel must be"));
        }
    }

    @Test
    void uploadWithoutSlideIdIsABadRequest() {
        given().multiPart("file", "x.jpg", uniqueVariant(IMAGE_7), "image/jpeg")
                .multiPart("scannerId", "scanner-7").multiPart("batchId", "batch-8")
                .when().post("/images")
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("slideId is required"));
    }

    @Test
    void uploadWithoutAnyFileIsABadRequest() {
        given().multiPart("scannerId", "scanner-7").multiPart("slideId", "slide-8").multiPart("batchId", "batch-8")
                .when().post("/images")
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("no image"));
    }

    @Test
    void fileAboveTheSizeLimitIsTooLarge() {
        // %test sets bloodcells.upload.max-image-size to 1M
        given().contentType("image/jpeg").body(new byte[2 * 1024 * 1024])
                .queryParam("scannerId", "scanner-7").queryParam("slideId", "slide-9").queryParam("batchId", "batch-9")
                .when().post("/images")
                .then().statusCode(413)
                .body("files[0].reason", equalTo("TOO_LARGE"));
    }

    @Test
    void unsupportedContentTypeIsAProblem() {
        given().contentType("text/plain").body("hello")
                .when().post("/images")
                .then().statusCode(415)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(415));
    }
}
