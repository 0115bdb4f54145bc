package org.bloodcells.ingest.api;

import static io.restassured.RestAssured.given;
import static org.bloodcells.ingest.support.TestImages.IMAGE_7;
import static org.bloodcells.ingest.support.TestImages.uniqueVariant;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.bloodcells.events.ImageId;
import org.bloodcells.http.Problem;
import org.bloodcells.images.ImageFormat;
import org.bloodcells.storage.ObjectKeys;
import org.bloodcells.ingest.support.TestBucket;
import org.bloodcells.storage.StorageConfig;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The upload channel points at a port where no broker listens (the real S3 server is still
 * there): the client is told to retry, and what was stored leaves no "published" marker, so
 * that the retry publishes.
 */
@QuarkusTest
@TestProfile(KafkaUnreachableTest.BrokerDown.class)
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class KafkaUnreachableTest {

    /**
     * Channel-level bootstrap servers win over the global key the test resource sets. Short
     * producer timeouts make Kafka give up (and nack) within the test, before the app stops.
     */
    public static class BrokerDown implements QuarkusTestProfile {
        private static final String CHANNEL = "mp.messaging.outgoing.images-uploaded.";

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(CHANNEL + "bootstrap.servers", "127.0.0.1:1",
                    CHANNEL + "max.block.ms", "1000",
                    CHANNEL + "request.timeout.ms", "1000",
                    CHANNEL + "delivery.timeout.ms", "2000");
        }
    }

    @Inject
    StorageConfig storage;

    @Test
    void uploadIsRefusedWithRetryAfterAndLeavesNoPublishedMarkerWhenKafkaIsDown() throws Exception {
        byte[] bytes = uniqueVariant(IMAGE_7);
        String imageId = ImageId.of(bytes);

        given().multiPart("file", "a.jpg", bytes, "image/jpeg")
                .multiPart("scannerId", "scanner-7").multiPart("slideId", "slide-1").multiPart("batchId", "batch-1")
                .when().post("/images")
                .then().statusCode(503)
                .header("Retry-After", "5")
                .contentType(Problem.MEDIA_TYPE)
                .body("title", equalTo("Event broker unavailable"));

        TestBucket bucket = new TestBucket(storage.endpoint(), storage.accessKey(), storage.secretKey(),
                storage.bucket());
        assertTrue(bucket.exists(ObjectKeys.image(imageId, ImageFormat.JPEG)));
        assertFalse(bucket.exists(ObjectKeys.publishedMarker(imageId)));
    }
}
