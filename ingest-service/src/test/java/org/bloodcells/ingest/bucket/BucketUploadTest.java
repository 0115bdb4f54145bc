package org.bloodcells.ingest.bucket;

import static org.awaitility.Awaitility.await;
import static org.bloodcells.ingest.support.TestImages.IMAGE_11;
import static org.bloodcells.ingest.support.TestImages.IMAGE_7;
import static org.bloodcells.ingest.support.TestImages.uniqueVariant;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageMembership;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Topics;
import org.bloodcells.images.ImageFormat;
import org.bloodcells.ingest.storage.ImageStore;
import org.bloodcells.storage.ObjectKeys;
import org.bloodcells.ingest.support.EventTopic;
import org.bloodcells.ingest.support.MinioNotifications;
import org.bloodcells.ingest.support.TestBucket;
import org.bloodcells.ingest.support.TopicEnds;
import org.bloodcells.storage.StorageConfig;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Direct-to-bucket uploads on the real S3 server and broker: real objects under incoming/, and the notification record
 * MinIO's Kafka target would write, published on the real topic.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class BucketUploadTest {

    private static final Duration TAKEN = Duration.ofSeconds(60);

    @Inject
    StorageConfig storage;

    @Inject
    ObjectMapper json;

    @Inject
    IncomingScan scan;

    @Inject
    ImageStore store;

    @Inject
    IncomingObjects incoming;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    private TestBucket bucket;
    private TopicEnds topics;
    private EventTopic<ImageUploaded> uploads;

    @BeforeEach
    void connect() {
        bucket = new TestBucket(storage.endpoint(), storage.accessKey(), storage.secretKey(), storage.bucket());
        topics = new TopicEnds(kafkaBootstrapServers);
        uploads = EventTopic.uploads(kafkaBootstrapServers, json);
    }

    @AfterEach
    void close() {
        topics.close();
    }

    private void putAndNotify(String key, byte[] bytes) throws Exception {
        // Scanners rarely say what they put: the stored image gets the type its bytes are.
        bucket.put(key, bytes, "application/octet-stream");
        topics.send(Topics.BUCKET_NOTIFICATIONS, storage.bucket() + "/" + key,
                MinioNotifications.put(storage.bucket(), key, bytes.length));
    }

    @Test
    void anObjectPutUnderIncomingIsStoredByContentAnnouncedWithItsPathsOriginAndRemoved() throws Exception {
        byte[] bytes = uniqueVariant(IMAGE_7);
        String id = ImageId.of(bytes);
        String key = "incoming/scanner-b/batch-b1/slide-b1/field 001 (x+y).jpg";

        putAndNotify(key, bytes);

        String stored = ObjectKeys.image(id, ImageFormat.JPEG);
        await().atMost(TAKEN).until(() -> !bucket.exists(key) && bucket.exists(ObjectKeys.publishedMarker(id)));
        assertArrayEquals(bytes, bucket.read(stored));
        assertEquals("image/jpeg", bucket.contentType(stored));
        List<ImageUploaded> events = uploads.eventsFor(id);
        assertEquals(1, events.size());
        ImageUploaded event = events.get(0);
        assertEquals(List.of("scanner-b", "slide-b1", "batch-b1", stored, "image/jpeg"),
                List.of(event.scannerId(), event.slideId(), event.batchId(), event.objectKey(), event.contentType()));
        assertEquals(bytes.length, event.sizeBytes());
    }

    @Test
    void aBadObjectMovesToRejectedBesideItsReasonAndNothingIsAnnounced() throws Exception {
        byte[] text = "a scanner's log, not an image".getBytes(StandardCharsets.UTF_8);
        String key = "incoming/scanner-b/batch-b2/slide-b2/notes.jpg";
        long uploadsBefore = topics.records(Topics.IMAGES_UPLOADED);

        putAndNotify(key, text);

        await().atMost(TAKEN).until(() -> !bucket.exists(key));
        assertArrayEquals(text, bucket.read(IncomingKey.rejectedKey(key)));
        JsonNode reason = json.readTree(bucket.read(IncomingKey.reasonKey(key)));
        assertEquals(415, reason.path("status").asInt());
        assertEquals("NOT_AN_IMAGE", reason.path("reason").asText());
        assertEquals(key, reason.path("key").asText());
        assertFalse(bucket.exists(ObjectKeys.publishedMarker(ImageId.of(text))));
        assertEquals(uploadsBefore, topics.records(Topics.IMAGES_UPLOADED));
    }

    @Test
    void storageRefusingTheRejectPathGivesAMessageWithoutTheKeysNames() {
        // The real S3 server refusing a client whose signature it cannot verify: every call fails, as in an outage.
        ImageStore refused = new ImageStore(io.minio.MinioClient.builder().endpoint(storage.endpoint())
                .credentials(storage.accessKey(), "not-" + storage.secretKey()).build(), storage);
        String key = "incoming/scanner-b/batch PAT-7/slide PAT-7/Jane Doe (1980).jpg";
        for (Runnable call : List.<Runnable>of(() -> refused.copy(key, "etag", IncomingKey.rejectedKey(key)),
                () -> refused.removeIfUnchanged(key, "etag"))) {
            var failure = org.junit.jupiter.api.Assertions.assertThrows(
                    org.bloodcells.storage.StorageUnavailableException.class, call::run);
            assertFalse(failure.getMessage().contains("PAT-7") || failure.getMessage().contains("Jane"),
                    failure.getMessage());
            assertTrue(failure.getMessage().contains("incoming/#"), "the key's pseudonym: " + failure.getMessage());
        }
    }

    @Test
    void theScanTakesObjectsWhoseNotificationWasLostAndKnownBytesBecomeAMembership() throws Exception {
        byte[] bytes = uniqueVariant(IMAGE_11);
        String id = ImageId.of(bytes);
        String first = "incoming/scanner-c/batch-c1/slide-c1/a.jpg";
        String again = "incoming/scanner-c/batch-c2/slide-c9/a-again.jpg";
        bucket.put(first, bytes, "image/jpeg");

        assertTrue(scan.scan(Instant.now().plusSeconds(5)) >= 1);
        assertFalse(bucket.exists(first));
        assertTrue(bucket.exists(ObjectKeys.publishedMarker(id)));

        bucket.put(again, bytes, "image/jpeg");
        assertEquals(0, scan.scan(Instant.now().minusSeconds(60)), "too young: its notification may be on its way");
        assertTrue(bucket.exists(again));
        assertTrue(scan.scan(Instant.now().plusSeconds(5)) >= 1);
        assertFalse(bucket.exists(again));
        assertEquals(1, uploads.eventsFor(id).size(), "stored and searched once");
        List<ImageMembership> memberships = EventTopic.memberships(kafkaBootstrapServers, json).eventsFor(id);
        assertEquals(1, memberships.size());
        assertEquals(List.of("scanner-c", "slide-c9", "batch-c2"), List.of(memberships.get(0).scannerId(),
                memberships.get(0).slideId(), memberships.get(0).batchId()));
    }

    /** A scanner that overwrites a key while ingest takes it: the version read is the one stored or rejected. */
    @Test
    void anObjectOverwrittenWhileItIsTakenIsNeitherReadNorCopiedNorRemovedAsTheOldVersion() throws Exception {
        String key = "incoming/scanner-d/batch-d1/slide-d1/overwritten.jpg";
        bucket.put(key, uniqueVariant(IMAGE_7), "image/jpeg");
        ImageStore.Version first = store.version(key).orElseThrow();
        byte[] second = uniqueVariant(IMAGE_11);
        bucket.put(key, second, "image/jpeg");

        assertTrue(store.read(key, first.etag(), in -> in.readAllBytes()).isEmpty(), "the old version is not read");
        assertFalse(store.copy(key, first.etag(), "rejected/overwritten.jpg"), "nor copied");
        store.removeIfUnchanged(key, first.etag());
        assertArrayEquals(second, bucket.read(key), "the new version stays for its own notification");

        assertEquals(IncomingObjects.Outcome.STORED, incoming.take(key), "and is taken as itself");
        assertTrue(bucket.exists(ObjectKeys.image(ImageId.of(second), ImageFormat.JPEG)));
        assertFalse(bucket.exists(key));
    }
}
