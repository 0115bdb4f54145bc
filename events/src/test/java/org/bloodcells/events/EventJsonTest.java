package org.bloodcells.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The records travel as JSON; what a producer writes a consumer must read back unchanged. */
class EventJsonTest {

    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static final Instant AT = Instant.parse("2026-11-23T10:15:30.123Z");

    @Test
    void imageUploadedRoundTripsThroughJson() throws Exception {
        var event = ImageUploaded.builder().imageId("ab".repeat(32)).bucket("images")
                .objectKey("sha256/ab/" + "ab".repeat(32)).contentType("image/jpeg").sizeBytes(123_456)
                .scannerId("scanner-7").slideId("slide-1").batchId("batch-9").uploadedAt(AT).uploadedBy("ana").build();
        assertEquals(event, json.readValue(json.writeValueAsString(event), ImageUploaded.class));
    }

    @Test
    void theScaleAndTheFlagRoundTripAndEventsWrittenBeforeThemStillRead() throws Exception {
        var uploaded = ImageUploaded.builder().imageId("ab".repeat(32)).bucket("images").objectKey("k")
                .contentType("image/tiff").sizeBytes(1).scannerId("scanner-7").slideId("slide-1").batchId("batch-9")
                .uploadedAt(AT).scale(new Scale(0.25, "FILE")).build();
        assertEquals(uploaded, json.readValue(json.writeValueAsString(uploaded), ImageUploaded.class));
        var detected = new CellDetections("cd".repeat(32), "efficientdet-d0-bccd", "1.3.0", 2400, 1800, List.of(),
                Map.of("RBC", 0), 900, "worker-1", AT, new Scale(0.036, "ESTIMATED"), 16,
                List.of("colour unlike the training images"));
        assertEquals(detected, json.readValue(json.writeValueAsString(detected), CellDetections.class));

        String before = "{\"imageId\":\"" + "cd".repeat(32) + "\",\"modelName\":\"m\",\"modelVersion\":\"1.2.0\","
                + "\"imageWidth\":640,\"imageHeight\":480,\"cells\":[],\"counts\":{\"RBC\":0},\"inferenceMillis\":1,"
                + "\"workerId\":\"w\",\"detectedAt\":\"2026-11-23T10:15:30.123Z\"}";
        CellDetections old = json.readValue(before, CellDetections.class);
        assertEquals(null, old.scale());
        assertEquals(1, old.tiles());
        assertEquals(List.of(), old.outOfDistribution());
        assertEquals(null, old.thresholds());
        assertEquals(null, json.readValue("{\"imageId\":\"x\",\"objectKey\":\"k\"}", ImageUploaded.class).scale());
    }

    @Test
    void aReprocessingAnnouncementCarriesItsModelVersionAndPromotionsRoundTrip() throws Exception {
        ModelRef model = new ModelRef("efficientdet-d0-bccd", "1.3.0", "models", "efficientdet-d0-bccd/1.3.0/model.onnx",
                "9f".repeat(32));
        var uploaded = ImageUploaded.builder().imageId("ab".repeat(32)).bucket("images").objectKey("k")
                .contentType("image/jpeg").sizeBytes(1).scannerId("scanner-7").slideId("slide-1").batchId("batch-9")
                .uploadedAt(AT).scale(new Scale(0.1, "DECLARED")).build().forModel(model);
        ImageUploaded read = json.readValue(json.writeValueAsString(uploaded), ImageUploaded.class);
        assertEquals(model, read.model());
        assertEquals(uploaded, read);
        var promoted = new ModelPromoted(model, "1.2.0", "ops-1", "rollback", AT);
        assertEquals(promoted, json.readValue(json.writeValueAsString(promoted), ModelPromoted.class));
        var rejected = new ModelRejected(model, "worker-1", "efficientdet-d0-bccd 1.2.0", "checksum", AT);
        assertEquals(rejected, json.readValue(json.writeValueAsString(rejected), ModelRejected.class));
    }

    @Test
    void cellDetectionsRoundTripThroughJson() throws Exception {
        var event = new CellDetections("cd".repeat(32), "efficientdet-d0-bccd", "1.0.0", 640, 480,
                List.of(new DetectedCell("RBC", 0.93, 10.5, 20.25, 110.0, 120.75),
                        new DetectedCell("WBC", 0.88, 200, 150, 380, 330)),
                Map.of("RBC", 1, "WBC", 1, "Platelets", 0), 42, "worker-1", AT);
        assertEquals(event, json.readValue(json.writeValueAsString(event), CellDetections.class));
    }

    @Test
    void theThresholdsBehindARunsBoxesRoundTripAndSayWhichBoxCounts() throws Exception {
        var thresholds = new Thresholds(0.3, Map.of("WBC", 0.575), "score > 0.3, 2 views");
        var event = new CellDetections("cd".repeat(32), "efficientdet-d0-bccd", "1.3.0", 640, 480,
                List.of(new DetectedCell("WBC", 0.5, 1, 2, 3, 4)), Map.of("WBC", 0), 42, "worker-1", AT, null, 1,
                List.of(), thresholds);
        assertEquals(event, json.readValue(json.writeValueAsString(event), CellDetections.class));
        assertEquals(false, thresholds.counts("WBC", 0.5));
        assertEquals(true, thresholds.counts("WBC", 0.6));
        assertEquals(true, thresholds.counts("RBC", 0.3));
        assertEquals(false, thresholds.counts("RBC", 0.29));
    }

    @Test
    void aRunsDoubtRoundTripsAndARecordWithoutOneIsStillRead() throws Exception {
        var event = new CellDetections("cd".repeat(32), "efficientdet-d0-bccd", "1.3.0", 640, 480,
                List.of(new DetectedCell("WBC", 0.58, 1, 2, 3, 4)), Map.of("WBC", 1), 42, "worker-1", AT, null, 1,
                List.of("counts doubtful: a WBC scored 0.58, next to the 0.57 it is counted from"), null, 0.92);
        assertEquals(event, json.readValue(json.writeValueAsString(event), CellDetections.class));
        String before = json.writeValueAsString(event).replace(",\"doubt\":0.92", "");
        CellDetections old = json.readValue(before, CellDetections.class);
        assertEquals(null, old.doubt());
        assertEquals(Optional.empty(), old.problem());
        assertEquals(Optional.of("doubt must be within 0..1 when given, was 1.5"), new CellDetections("cd".repeat(32),
                "efficientdet-d0-bccd", "1.3.0", 640, 480, List.of(), Map.of("WBC", 0), 42, "worker-1", AT, null, 1,
                List.of(), null, 1.5).problem());
    }

    @Test
    void deadLetterRoundTripsThroughJson() throws Exception {
        var event = new DeadLetter("ef".repeat(32), "detect", "not a decodable image", "{\"imageId\":\"x\"}", AT);
        assertEquals(event, json.readValue(json.writeValueAsString(event), DeadLetter.class));
    }

    @Test
    void timesAreWrittenAsIsoStrings() throws Exception {
        var event = new DeadLetter(null, "detect", "unreadable event", "garbage", AT);
        String text = json.writeValueAsString(event);
        assertEquals(true, text.contains("\"2026-11-23T10:15:30.123Z\""), text);
    }
}
