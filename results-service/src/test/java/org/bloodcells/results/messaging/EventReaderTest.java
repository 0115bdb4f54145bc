package org.bloodcells.results.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Topics;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class EventReaderTest {

    private static final String ID = "a".repeat(64);
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    private final EventReader reader = new EventReader(json, Clock.fixed(NOW, ZoneOffset.UTC));

    private EventReader.Reading<ImageUploaded> read(String key, String value) {
        return reader.read(Topics.IMAGES_UPLOADED, key, value, ImageUploaded.class, ImageUploaded::problem);
    }

    @Test
    void aStorableEventIsReturnedAsParsed() throws Exception {
        ImageUploaded event = ImageUploaded.builder().imageId(ID).bucket("images").objectKey("k")
                .contentType("image/jpeg").sizeBytes(10).scannerId("s").slideId("slide").batchId("batch")
                .uploadedAt(NOW).build();
        var reading = assertInstanceOf(EventReader.Storable.class, read(ID, json.writeValueAsString(event)));
        assertEquals(event, reading.event());
    }

    @Test
    void anUnreadableRecordIsParkedWithItsReasonItsImageAndTheRecordAsReceived() {
        var reading = assertInstanceOf(EventReader.Unusable.class, read(ID, "{ this is not json"));
        DeadLetter letter = reading.deadLetter();
        assertEquals(ID, letter.imageId());
        assertEquals(EventReader.STAGE, letter.stage());
        assertTrue(letter.reason().startsWith("unreadable ImageUploaded record on " + Topics.IMAGES_UPLOADED + ": "), letter.reason());
        assertEquals("{ this is not json", letter.payload());
        assertEquals(NOW, letter.failedAt());
    }

    @Test
    void aKeyThatIsNoImageIdNamesNoImage() {
        var reading = assertInstanceOf(EventReader.Unusable.class, read("not-an-id", "[]"));
        assertNull(reading.deadLetter().imageId());
    }

    @Test
    void anEmptyRecordIsParked() {
        var reading = assertInstanceOf(EventReader.Unusable.class, read(ID, null));
        assertEquals("empty ImageUploaded record on " + Topics.IMAGES_UPLOADED, reading.deadLetter().reason());
    }

    @Test
    void anEventThatCanNeverBeStoredIsParkedWithWhatIsWrong() {
        var reading = assertInstanceOf(EventReader.Unusable.class, read(ID, "{\"imageId\":\"ABC\"}"));
        assertEquals("ImageUploaded record on " + Topics.IMAGES_UPLOADED + " can never be stored: "
                + "imageId must be a SHA-256 in 64 lower-case hex digits, was 'ABC'", reading.deadLetter().reason());
    }
}
