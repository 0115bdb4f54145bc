package org.bloodcells.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.Topics;
import org.bloodcells.images.BccdImages;
import org.bloodcells.images.DatasetSplit;
import org.bloodcells.launcher.LocalPlatform;
import org.bloodcells.launcher.PlatformClient;
import org.bloodcells.launcher.PlatformClient.Origin;
import org.bloodcells.launcher.PlatformClient.Upload;
import org.bloodcells.launcher.RepositoryLayout;
import org.bloodcells.launcher.ServiceProcess;
import org.bloodcells.testsupport.BackgroundInstall;
import org.bloodcells.trainer.python.PythonTrainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;

/**
 * The scanner-to-analyst journey on the packaged services, real Kafka, PostgreSQL, S3 and ONNX
 * Runtime: what an analyst reads back is exactly what the detection core finds in the file.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UploadToCountsIT {

    private static final Duration PROCESSING = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RepositoryLayout layout;
    private static LocalPlatform platform;
    private static PlatformClient client;
    private static TopicProbe topics;
    private static List<Path> images;

    @BeforeAll
    static void startPlatform() throws Exception {
        layout = RepositoryLayout.locate();
        // The trainer measures versions on the held-back split's first images only: enough to tell a smoke-trained
        // model from the release, in seconds.
        platform = LocalPlatform.start(layout, new LocalPlatform.Options(LocalPlatform.Ports.free(), 2,
                LocalPlatform.Options.DEFAULT_PARTITIONS).withTrainerSetting("bloodcells.evaluation.limit", "4")
                        // a site journey corrects a handful of images, not the hundreds a hospital would
                        .withTrainerSetting("bloodcells.site.min-train-images", "2")
                        .withResultsSetting("bloodcells.review.dataset-min-images", "4"),
                LocalPlatform.Progress.toStderr());
        client = platform.client();
        topics = new TopicProbe(platform.infrastructure().kafka().adminClientProperties());
        try (Stream<Path> files = Files.list(layout.demoImages())) {
            images = files.filter(f -> f.toString().endsWith(".jpg")).sorted().limit(3).toList();
        }
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (topics != null) {
            topics.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void analystsReadExactlyTheCountsTheDetectionCoreFindsAndRedeliveryChangesNothing() throws Exception {
        Origin origin = new Origin("scanner-e2e", "slide-e2e", "batch-e2e");
        PlatformClient.Answer answer = client.upload(images.stream().map(Upload::of).toList(), origin);
        assertEquals(201, answer.status(), answer.body().toString());
        List<String> ids = new ArrayList<>();
        answer.body().get("images").forEach(i -> ids.add(i.get("imageId").asText()));
        for (int i = 0; i < images.size(); i++) {
            assertEquals(ImageId.of(Files.readAllBytes(images.get(i))), ids.get(i), "image id is the SHA-256 of the bytes");
        }

        Map<String, JsonNode> stored = awaitDone(ids);

        Map<String, Map<String, Integer>> expected = new LinkedHashMap<>();
        // The worker runs the model with the post-processing the model carries; so does a detector loaded plainly.
        try (CellDetector detector = CellDetector.load(layout.releasedModel(), 2)) {
            for (int i = 0; i < images.size(); i++) {
                expected.put(ids.get(i), detector.detect(Files.readAllBytes(images.get(i))).counts());
            }
        }
        for (String id : ids) {
            assertEquals(expected.get(id), counts(stored.get(id).path("detection")), "counts of " + id);
        }

        // The same bytes again: same ids, nothing new published.
        long uploadsBefore = topics.endOffset(Topics.IMAGES_UPLOADED);
        PlatformClient.Answer again = client.upload(images.stream().map(Upload::of).toList(), origin);
        assertEquals(200, again.status(), again.body().toString());
        List<String> againIds = new ArrayList<>();
        again.body().get("images").forEach(i -> againIds.add(i.get("imageId").asText()));
        assertEquals(ids, againIds);
        assertEquals(uploadsBefore, topics.endOffset(Topics.IMAGES_UPLOADED));

        // Redelivery of every upload event (the worker runs again) and every detections event.
        long detectionsBefore = topics.endOffset(Topics.CELL_DETECTIONS);
        var uploadEvents = topics.readAll(Topics.IMAGES_UPLOADED);
        var detectionEvents = topics.readAll(Topics.CELL_DETECTIONS);
        topics.replay(detectionEvents);
        topics.replay(uploadEvents);
        await().atMost(PROCESSING).pollInterval(Duration.ofMillis(200)).until(() ->
                topics.endOffset(Topics.CELL_DETECTIONS) >= detectionsBefore + detectionEvents.size() + uploadEvents.size()
                        && topics.allGroupsCaughtUp(Topics.CELL_DETECTIONS));
        for (String id : ids) {
            assertEquals(expected.get(id), counts(client.image(id).orElseThrow().path("detection")),
                    "counts of " + id + " after redelivery");
        }
        JsonNode batch = client.batch(origin.batchId());
        assertEquals(ids.size(), batch.path("images").path("total").asInt(), batch.toString());
        Map<String, Integer> batchTotals = new LinkedHashMap<>();
        expected.values().forEach(c -> c.forEach((k, v) -> batchTotals.merge(k, v, Integer::sum)));
        assertEquals(batchTotals, counts(batch), "batch totals after redelivery");

        // The same bytes uploaded into another batch: members there too, searched no more, the totals the same.
        Origin another = new Origin("scanner-e2e", "slide-e2e-2", "batch-e2e-again");
        long uploadsNow = topics.endOffset(Topics.IMAGES_UPLOADED);
        assertEquals(200, client.upload(images.stream().map(Upload::of).toList(), another).status());
        assertEquals(uploadsNow, topics.endOffset(Topics.IMAGES_UPLOADED), "known bytes are not searched again");
        await().atMost(PROCESSING).pollInterval(Duration.ofMillis(200)).until(() -> client.batchIfKnown(
                another.batchId()).map(b -> b.path("images").path("total").asInt() == ids.size()).orElse(false));
        assertEquals(batchTotals, counts(client.batch(another.batchId())), "the other batch's totals");
    }

    @Test
    void aNonImageUploadIsRefusedAndNothingIsStoredOrPublished() throws Exception {
        MinioClient s3 = s3();
        long objectsBefore = countObjects(s3);
        long eventsBefore = topics.endOffset(Topics.IMAGES_UPLOADED);

        PlatformClient.Answer answer = client.upload(
                List.of(new Upload("notes.txt", "this is not a microscope image".getBytes(StandardCharsets.UTF_8))),
                new Origin("scanner-e2e", "slide-bad", "batch-bad"));

        assertTrue(answer.status() >= 400 && answer.status() < 500, "HTTP " + answer.status());
        assertTrue(answer.body().toString().contains("notes.txt"), "the answer names the file: " + answer.body());
        assertEquals(objectsBefore, countObjects(s3), "nothing stored");
        assertEquals(eventsBefore, topics.endOffset(Topics.IMAGES_UPLOADED), "nothing published");
    }

    /**
     * Names that may be a patient's — file names, slide and batch ids, all carrying one marker — travel every way in:
     * an image and a non-image over HTTP, a non-image into the bucket (ingest's reject path). No service's log may
     * name them. Then ops delete the image: its objects are gone, no row outside the audit trail holds the names, and
     * the topics that still do keep them as long as README says.
     */
    @Test
    @Order(Integer.MAX_VALUE / 2 + 1)
    void patientNamesReachNoServiceLogAndADeletedImageLeavesThemOnlyWhereReadmeSays() throws Exception {
        String marker = "PATIENT-MARKER-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Origin origin = new Origin("scanner-e2e", "slide-" + marker, "batch-" + marker);
        byte[] image = BccdImages.uniqueVariant("BloodImage_00007");
        String id = ImageId.of(image);
        assertEquals(201, client.upload(List.of(new Upload(marker + " field 1.jpg", image)), origin).status());
        byte[] notAnImage = ("a scanner's notes " + marker).getBytes(StandardCharsets.UTF_8);
        PlatformClient.Answer refused = client.upload(List.of(new Upload(marker + " notes.jpg", notAnImage)), origin);
        assertTrue(refused.status() >= 400 && refused.status() < 500, "HTTP " + refused.status());
        MinioClient s3 = s3();
        String key = "incoming/scanner-e2e/batch-" + marker + "/slide-" + marker + "/" + marker + " field 2.jpg";
        s3.putObject(io.minio.PutObjectArgs.builder().bucket("images").object(key)
                .stream(new java.io.ByteArrayInputStream(notAnImage), notAnImage.length, -1).build());
        // What MinIO's Kafka target would send (the local S3 server sends none): the key URL-encoded.
        topics.send(Topics.BUCKET_NOTIFICATIONS, "images/" + key, """
                {"EventName":"s3:ObjectCreated:Put","Key":"images/%1$s","Records":[{"eventName":"s3:ObjectCreated:Put",\
                "s3":{"bucket":{"name":"images"},"object":{"key":"%1$s","size":%2$d}}}]}"""
                .formatted(java.net.URLEncoder.encode(key, StandardCharsets.UTF_8), notAnImage.length));
        String rejected = "rejected/" + key.substring("incoming/".length());
        await().atMost(PROCESSING).pollInterval(Duration.ofMillis(200)).until(() -> exists(s3, rejected));
        awaitDone(List.of(id));
        assertEquals(1, client.batch(origin.batchId()).path("images").path("total").asInt());

        List<String> leaks = new ArrayList<>();
        boolean imageLogged = false;
        for (Path log : platform.serviceLogs()) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(marker)) {
                    leaks.add(log.getFileName() + ":" + (i + 1) + ": " + lines.get(i));
                }
                imageLogged |= lines.get(i).contains(id);
            }
        }
        assertTrue(imageLogged, "the services log the image by its id: these are the logs of this journey");
        assertEquals(List.of(), leaks, "a file name, slide or batch id in a service's log");

        // Deleted: its objects gone, and the names it came with in no row but the audit trail's (README says so).
        assertFalse(rowsHolding(marker).isEmpty(), "before the deletion its rows hold the names: the search finds them");
        assertEquals(200, client.delete(id).status());
        assertFalse(exists(s3, "sha256/" + id.substring(0, 2) + "/" + id + ".jpg"), "the image's object is gone");
        assertFalse(exists(s3, "published/" + id.substring(0, 2) + "/" + id + ".json"), "its marker is gone");
        assertEquals(List.of(), rowsHolding(marker), "rows outside the audit trail still holding the deleted names");
        String deletion = Readme.section("### Deleting an image");
        for (String topic : List.of(Topics.IMAGES_UPLOADED, Topics.IMAGE_MEMBERSHIPS, Topics.DEAD_LETTERS,
                Topics.BUCKET_NOTIFICATIONS)) {
            long retention = topics.retentionMs(topic);
            assertTrue(deletion.contains("`retention.ms` " + retention + " "), topic + " keeps records for "
                    + retention + " ms; README's \"Deleting an image\" says otherwise");
        }
    }

    /** Every table column outside the audit trail whose text holds {@code text}, as {@code schema.table.column}. */
    private static List<String> rowsHolding(String text) throws Exception {
        var postgres = platform.infrastructure().postgres();
        List<String> found = new ArrayList<>();
        try (var db = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
                postgres.password()); var sql = db.createStatement();
                var columns = sql.executeQuery("""
                        select c.table_schema, c.table_name, c.column_name from information_schema.columns c
                        join information_schema.tables t on t.table_schema = c.table_schema
                         and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
                        where c.table_schema not in ('audit', 'pg_catalog', 'information_schema')
                          and c.data_type in ('text', 'character varying', 'json', 'jsonb')""")) {
            List<String> names = new ArrayList<>();
            while (columns.next()) {
                names.add("\"" + columns.getString(1) + "\".\"" + columns.getString(2) + "\".\"" + columns.getString(3)
                        + "\"");
            }
            for (String column : names) {
                String table = column.substring(0, column.lastIndexOf('.'));
                try (var count = db.prepareStatement("select count(*) from " + table + " where " + column
                        + "::text like ?")) {
                    count.setString(1, "%" + text + "%");
                    try (var result = count.executeQuery()) {
                        result.next();
                        if (result.getLong(1) > 0) {
                            found.add(column.replace("\"", ""));
                        }
                    }
                }
            }
        }
        return found;
    }

    private static boolean exists(MinioClient s3, String key) {
        try {
            s3.statObject(io.minio.StatObjectArgs.builder().bucket("images").object(key).build());
            return true;
        } catch (io.minio.errors.ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return false;
            }
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Two workers in one consumer group share a backlog; one is stopped (SIGTERM, as Kubernetes scales down) while
     * it is busy. It finishes and commits its batch in flight, so the other takes over its partitions from there:
     * every image ends DONE with the counts the detection core finds, and none is detected twice. Runs last: the
     * platform has one worker left afterwards.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void twoWorkersShareABacklogAndOneStoppedMidBatchLosesNoImageAndDetectsNoneTwice() throws Exception {
        List<String> bases = List.of("BloodImage_00007", "BloodImage_00011", "BloodImage_00015", "BloodImage_00016");
        List<Upload> uploads = new ArrayList<>();
        Map<String, String> baseOf = new LinkedHashMap<>();
        for (int i = 0; i < 32; i++) {
            byte[] variant = BccdImages.uniqueVariant(bases.get(i % bases.size()));
            uploads.add(new Upload("variant-" + i + ".jpg", variant));
            baseOf.put(ImageId.of(variant), bases.get(i % bases.size()));
        }
        Origin origin = new Origin("scanner-e2e", "slide-scaling", "batch-scaling");
        assertEquals(201, client.upload(uploads, origin).status());
        List<String> ids = List.copyOf(baseOf.keySet());

        await().atMost(PROCESSING).pollInterval(Duration.ofMillis(100))
                .until(() -> detectionsOf(ids).stream().filter(d -> d.path("workerId").asText()
                        .equals("local-worker-2")).count() >= 4);
        ServiceProcess second = platform.workers().get(1);
        // SIGTERM, with as long to finish as the chart gives a worker pod (terminationGracePeriodSeconds)
        assertTrue(second.stop(Duration.ofSeconds(150)), "worker 2 did not stop by itself within its grace period");
        assertTrue(Files.readString(second.log()).contains("Shutting down: waiting for the batches in flight"),
                "worker 2 was not stopped mid-batch, so this test proves nothing about its in-flight batch");

        Map<String, JsonNode> stored = awaitDone(ids);
        Map<String, Map<String, Integer>> expected = new LinkedHashMap<>();
        try (CellDetector detector = CellDetector.load(layout.releasedModel(), 2)) {
            for (String base : bases) {
                expected.put(base, detector.detect(BccdImages.bytes(base)).counts());
            }
        }
        Map<String, Integer> totals = new LinkedHashMap<>();
        for (String id : ids) {
            Map<String, Integer> counts = expected.get(baseOf.get(id));
            assertEquals(counts, counts(stored.get(id).path("detection")), "counts of " + id);
            counts.forEach((k, v) -> totals.merge(k, v, Integer::sum));
        }
        assertEquals(totals, counts(client.batch(origin.batchId())), "batch totals: no image counted twice");

        List<JsonNode> published = detectionsOf(ids);
        Map<String, Long> timesDetected = new LinkedHashMap<>();
        published.forEach(d -> timesDetected.merge(d.path("imageId").asText(), 1L, Long::sum));
        assertEquals(ids.size(), timesDetected.size(), "every image detected");
        assertTrue(timesDetected.values().stream().allMatch(n -> n == 1),
                "an image detected twice: the stopped worker did not commit its batch " + timesDetected);
        assertEquals(Set.of("local-worker-1", "local-worker-2"),
                published.stream().map(d -> d.path("workerId").asText()).collect(Collectors.toSet()));
    }

    @Test
    @Order(Integer.MAX_VALUE - 2)
    void analystsCorrectCellsTheirCorrectionsTrainASiteFineTuneAndOpsSeeTheGatesVerdict() throws Exception {
        BackgroundInstall.assumeSucceeded();
        assumeTrue(PythonTrainer.find(layout.root().resolve("trainer/python")).isPresent(),
                "no python3 with torch, torchvision and onnx here, so the trainer cannot train"
                        + " (./test.sh installs Debian's where it can)");
        platform.awaitTrainer();
        String modelName;
        String releasedVersion;
        try (CellDetector detector = CellDetector.load(layout.releasedModel(), 1)) {
            modelName = detector.model().name();
            releasedVersion = detector.model().version();
        }

        // 1. a scanner of the site uploads fields; enough that the export's fixed split by image id has images to
        // train on, to calibrate on and to judge on
        Origin origin = new Origin("scanner-site", "slide-site", "batch-site");
        Map<String, String> baseOf = new LinkedHashMap<>();
        Map<DatasetSplit, Integer> splits = new java.util.EnumMap<>(DatasetSplit.class);
        List<Upload> uploads = new ArrayList<>();
        List<String> bases = List.of("BloodImage_00007", "BloodImage_00011", "BloodImage_00015");
        while (splits.getOrDefault(DatasetSplit.TRAIN, 0) < 3 || splits.getOrDefault(DatasetSplit.VAL, 0) < 1
                || splits.getOrDefault(DatasetSplit.TEST, 0) < 1) {
            Upload upload = variants(bases, 1, baseOf).get(0);
            uploads.add(new Upload("site-" + uploads.size() + ".jpg", upload.bytes()));
            splits.merge(DatasetSplit.of(ImageId.of(upload.bytes()), 15, 15), 1, Integer::sum);
        }
        assertEquals(201, client.upload(uploads, origin).status());
        List<String> ids = uploads.stream().map(u -> ImageId.of(u.bytes())).toList();
        awaitDone(ids);

        // 2. the analyst corrects cells on the first image: a red cell called white, a false cell deleted, a missed
        // platelet drawn; the counts follow the edited boxes, the model's stay beside them
        String first = ids.get(0);
        JsonNode before = client.cells(first);
        List<JsonNode> counted = new ArrayList<>();
        before.path("cells").forEach(c -> {
            if (c.path("counted").asBoolean() && c.path("cellClass").asText().equals("RBC")) {
                counted.add(c);
            }
        });
        assertTrue(counted.size() >= 2, before.toString());
        assertEquals(201, client.editCell(first, Map.of("action", "RECLASSIFY", "cell",
                counted.get(0).path("key").asText(), "cellClass", "WBC")).status());
        assertEquals(201, client.editCell(first, Map.of("action", "DELETE", "cell",
                counted.get(1).path("key").asText())).status());
        PlatformClient.Answer drawn = client.editCell(first, Map.of("action", "ADD", "cellClass", "Platelets",
                "box", Map.of("x1", 10.0, "y1", 10.0, "x2", 40.0, "y2", 40.0)));
        assertEquals(201, drawn.status(), drawn.body().toString());
        JsonNode after = client.cells(first);
        Map<String, Integer> modelCounts = fields(before.path("counts"));
        assertEquals(modelCounts.get("RBC") - 2, after.path("counts").path("RBC").asInt(), after.toString());
        assertEquals(modelCounts.get("WBC") + 1, after.path("counts").path("WBC").asInt(), after.toString());
        assertEquals(modelCounts.get("Platelets") + 1, after.path("counts").path("Platelets").asInt());
        assertEquals(modelCounts, fields(after.path("modelCounts")), "the model's counts stay beside the edits");
        assertEquals("CORRECTED", after.path("reviewStatus").asText(), "the image reports the edited counts");
        // ... and confirms every image's boxes, one call each
        for (String id : ids) {
            assertEquals(200, client.confirmCells(id).status(), id);
        }

        // 3. the site's corrections become a dataset in the bucket
        PlatformClient.Answer exported = client.exportDataset(Map.of("name", "site-e2e", "scanner",
                origin.scannerId()));
        assertEquals(201, exported.status(), exported.body().toString());
        assertEquals(ids.size(), exported.body().path("images").asInt());
        assertEquals(splits.get(DatasetSplit.TEST).intValue(), exported.body().path("splits").path("test").asInt());
        String fingerprint = exported.body().path("fingerprint").asText();

        // 4. a small site fine-tune through the trainer service: trained from the promoted version, recalibrated on
        // the site's val split, judged on the site's test split and BCCD test
        PlatformClient.Answer started = client.startTraining(Map.of("site", true, "dataset", "site-e2e",
                "epochs", 1, "maxSteps", 2, "imageLimit", 4, "batchSize", 2, "crop", 256, "valEvery", 0));
        assertEquals(202, started.status(), started.body().toString());
        long runId = started.body().path("id").asLong();
        JsonNode run = await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(1))
                .until(() -> client.trainingRun(runId), r -> !r.path("status").asText().equals("RUNNING"));
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());

        // 5. ops see the decision and its figures, for the very data the analysts exported
        JsonNode gate = run.path("progress").path("siteGate");
        assertEquals(fingerprint, gate.path("siteFingerprint").asText(), run.toString());
        assertEquals(releasedVersion, gate.path("comparedWith").asText(), gate.toString());
        for (String figures : List.of("candidateSiteTest", "promotedSiteTest", "candidateHeldBack",
                "promotedHeldBack")) {
            assertTrue(gate.path(figures).path("ap50").isNumber(), figures + " in " + gate);
        }
        boolean passes = gate.path("passes").asBoolean();
        assertEquals(passes, gate.path("failures").isEmpty(), gate.toString());
        String candidate = run.path("modelVersion").asText();
        try {
            JsonNode registered = find(client.models(), modelName, candidate);
            assertEquals(passes ? "PROMOTED" : "CANDIDATE", registered.path("status").asText(),
                    registered.toString());
            assertEquals("site-e2e", registered.path("dataset").asText(), registered.toString());
            if (passes) {
                awaitEveryWorkerRuns(candidate);
            }
        } finally {
            if (passes) {
                // the journeys after this one start from the release again
                PlatformClient.Answer restored = client.promote(modelName, releasedVersion, Map.of("override", true,
                        "reason", "e2e: the site journey's smoke fine-tune is not for the other journeys"));
                assertEquals(200, restored.status(), restored.body().toString());
                awaitEveryWorkerRuns(releasedVersion);
            }
        }
    }

    /**
     * A model version's way through the platform: a smoke training run registers a candidate, the gate refuses it
     * (it is far worse than the release on the held-back split), ops override with a reason while a batch is
     * flowing, every worker swaps between batches, no image is lost or counted twice, the batch is re-processed with
     * the release and the two versions compared, and the release is promoted back (a rollback). Runs before the
     * worker-stopping test, which needs both workers and the release.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void aTrainedVersionIsGatedPromotedSwappedInWhileABatchFlowsReprocessedComparedAndRolledBack() throws Exception {
        BackgroundInstall.assumeSucceeded();
        assumeTrue(PythonTrainer.find(layout.root().resolve("trainer/python")).isPresent(),
                "no python3 with torch, torchvision and onnx here, so the trainer cannot train"
                        + " (./test.sh installs Debian's where it can)");
        platform.awaitTrainer();
        long began = System.nanoTime();
        Map<String, Long> timings = new LinkedHashMap<>();
        String releasedVersion;
        String modelName;
        try (CellDetector detector = CellDetector.load(layout.releasedModel(), 1)) {
            releasedVersion = detector.model().version();
            modelName = detector.model().name();
        }

        // 1. a smoke training run: a few steps on a few images, exported, evaluated in Java, registered
        PlatformClient.Answer started = client.startTraining(Map.of("dataset", "bccd", "epochs", 1, "imageLimit", 4,
                "maxSteps", 2, "batchSize", 2, "crop", 256, "valEvery", 0, "seed", 5));
        assertEquals(202, started.status(), started.body().toString());
        long runId = started.body().path("id").asLong();
        JsonNode run = await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> client.trainingRun(runId), r -> !r.path("status").asText().equals("RUNNING"));
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        String candidate = run.path("modelVersion").asText();
        assertEquals(releasedVersion, run.path("progress").path("promoted").asText(), run.toString());
        timings.put("training run (train, export, Java evaluation, registration)", elapsed(began));

        JsonNode registered = find(client.models(), modelName, candidate);
        assertEquals("CANDIDATE", registered.path("status").asText());
        assertEquals(releasedVersion, registered.path("parentVersion").asText());
        assertEquals(4, registered.path("heldBack").path("images").asInt(), registered.toString());

        // 2. the gate refuses it, with both versions' figures
        PlatformClient.Answer refused = client.promote(modelName, candidate, Map.of());
        assertEquals(409, refused.status(), refused.body().toString());
        assertTrue(refused.body().path("candidateHeldBack").path("ap50").asDouble()
                < refused.body().path("promotedHeldBack").path("ap50").asDouble(), refused.body().toString());
        assertTrue(refused.body().path("overridable").asBoolean());

        // 3. a batch starts flowing on the release; the override lands in the middle of it
        Origin origin = new Origin("scanner-e2e", "slide-rollout", "batch-rollout");
        List<String> bases = List.of("BloodImage_00007", "BloodImage_00011", "BloodImage_00015");
        Map<String, String> baseOf = new LinkedHashMap<>();
        List<Upload> firstHalf = variants(bases, 3, baseOf);
        assertEquals(201, client.upload(firstHalf, origin).status());
        await().atMost(PROCESSING).pollInterval(Duration.ofMillis(100)).until(() -> detectionsOf(List.copyOf(baseOf
                .keySet())).size() >= 1);
        long promoting = System.nanoTime();
        PlatformClient.Answer promoted = client.promote(modelName, candidate, Map.of("override", true,
                "reason", "e2e: rollout drill with a smoke-trained model"));
        assertEquals(200, promoted.status(), promoted.body().toString());
        assertTrue(promoted.body().path("overridden").asBoolean());
        assertEquals(releasedVersion, promoted.body().path("previous").asText());
        awaitEveryWorkerRuns(candidate);
        timings.put("promotion to every worker running it", elapsed(promoting));
        List<Upload> secondHalf = variants(bases, 3, baseOf);
        assertEquals(201, client.upload(secondHalf, origin).status());
        List<String> ids = List.copyOf(baseOf.keySet());
        Map<String, JsonNode> stored = awaitDone(ids);

        // 4. nothing lost, nothing detected twice, every count is what its version finds in the file
        Map<String, Long> timesDetected = new LinkedHashMap<>();
        detectionsOf(ids).forEach(d -> timesDetected.merge(d.path("imageId").asText(), 1L, Long::sum));
        assertEquals(ids.size(), timesDetected.size(), "every image detected");
        assertTrue(timesDetected.values().stream().allMatch(n -> n == 1), "an image detected twice " + timesDetected);
        Path candidateFile = download(find(client.models(), modelName, candidate));
        Map<String, Map<String, Map<String, Integer>>> expected = new LinkedHashMap<>();
        expected.put(releasedVersion, DirectDetections.counts(layout.releasedModel(), bases));
        expected.put(candidate, DirectDetections.counts(candidateFile, bases));
        Set<String> versionsRun = new java.util.TreeSet<>();
        Map<String, Integer> totals = new LinkedHashMap<>();
        for (String id : ids) {
            JsonNode detection = stored.get(id).path("detection");
            String version = detection.path("modelVersion").asText();
            versionsRun.add(version);
            Map<String, Integer> counts = expected.get(version).get(baseOf.get(id));
            assertEquals(counts, counts(detection), "counts of " + id + " by " + version);
            counts.forEach((k, v) -> totals.merge(k, v, Integer::sum));
        }
        assertEquals(Set.of(releasedVersion, candidate), versionsRun, "the batch ran on both versions, in turn");
        JsonNode batch = client.batch(origin.batchId());
        assertEquals(ids.size(), batch.path("images").path("total").asInt());
        assertEquals(totals, counts(batch), "batch totals: each image once, by its own run");
        assertEquals(candidate, batch.path("promoted").path(0).path("version").asText(), batch.toString());

        // 5. re-processed with each version in turn: the images the release ran get a run of the candidate and those
        // the candidate ran one of the release; the comparison then covers every image
        long reprocessing = System.nanoTime();
        for (String version : List.of(releasedVersion, candidate)) {
            long announcedBefore = topics.endOffset(Topics.IMAGES_UPLOADED);
            PlatformClient.Answer again = client.reprocess(origin.batchId(), version);
            assertEquals(202, again.status(), again.body().toString());
            assertEquals(ids.size(), again.body().path("images").asInt());
            assertEquals(announcedBefore + ids.size(), topics.endOffset(Topics.IMAGES_UPLOADED),
                    "each image announced again on " + Topics.IMAGES_UPLOADED);
        }
        JsonNode comparison = await().atMost(PROCESSING).pollInterval(Duration.ofMillis(300))
                .until(() -> client.compare(origin.batchId(), releasedVersion, candidate),
                        c -> c.path("pending").isEmpty());
        timings.put("re-processing the batch with both versions until the comparison is complete",
                elapsed(reprocessing));
        assertEquals(ids.size(), comparison.path("images").size());
        Map<String, Integer> releasedTotals = new LinkedHashMap<>();
        Map<String, Integer> candidateTotals = new LinkedHashMap<>();
        for (JsonNode image : comparison.path("images")) {
            String base = baseOf.get(image.path("imageId").asText());
            Map<String, Integer> from = expected.get(releasedVersion).get(base);
            Map<String, Integer> to = expected.get(candidate).get(base);
            assertEquals(from, fields(image.path("from")));
            assertEquals(to, fields(image.path("to")));
            from.forEach((k, v) -> {
                assertEquals(to.get(k) - v, image.path("difference").path(k).asInt(), k + " of " + base);
                releasedTotals.merge(k, v, Integer::sum);
                candidateTotals.merge(k, to.get(k), Integer::sum);
            });
        }
        assertEquals(releasedTotals, fields(comparison.path("totals").path("from")));
        assertEquals(candidateTotals, fields(comparison.path("totals").path("to")));
        // the candidate is in force: now that every image has a run of it, the batch counts those runs
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(candidateTotals,
                counts(client.batch(origin.batchId())), "the batch counts the promoted version's runs"));

        // 6. rolling back is promoting the release again: through the gate, and every worker swaps back
        long rollingBack = System.nanoTime();
        PlatformClient.Answer rollback = client.promote(modelName, releasedVersion, Map.of());
        assertEquals(200, rollback.status(), rollback.body().toString());
        assertTrue(!rollback.body().path("overridden").asBoolean());
        awaitEveryWorkerRuns(releasedVersion);
        timings.put("rollback to every worker running the release", elapsed(rollingBack));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode after = client.batch(origin.batchId());
            assertEquals(releasedVersion, after.path("promoted").path(0).path("version").asText());
            assertEquals(releasedTotals, counts(after), "after the rollback the batch counts the release's runs");
        });
        // 7. the audit trail: who promoted, overrode and rolled back (through Kafka from the trainer), who re-processed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode promotions = client.audit("action=PROMOTION&actor=" + PlatformClient.User.OPS.username()).path("items");
            List<String> subjects = new ArrayList<>();
            promotions.forEach(p -> subjects.add(p.path("subject").asText()));
            assertTrue(subjects.contains(modelName + " " + candidate) && subjects.contains(modelName + " "
                    + releasedVersion), promotions.toString());
        });
        assertEquals(PlatformClient.User.OPS.username(), client.audit("action=REPROCESSING&subject=batch%20" + origin.batchId())
                .path("items").path(0).path("actor").asText());
        timings.put("whole journey", elapsed(began));
        timings.forEach((step, millis) -> System.err.printf("[journey] %-60s %6d ms%n", step, millis));
    }

    private static List<Upload> variants(List<String> bases, int n, Map<String, String> baseOf) {
        List<Upload> uploads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String base = bases.get(i % bases.size());
            byte[] variant = BccdImages.uniqueVariant(base);
            uploads.add(new Upload("rollout-" + baseOf.size() + ".jpg", variant));
            baseOf.put(ImageId.of(variant), base);
        }
        return uploads;
    }


    private static JsonNode find(JsonNode models, String name, String version) {
        for (JsonNode model : models) {
            if (model.path("name").asText().equals(name) && model.path("version").asText().equals(version)) {
                return model;
            }
        }
        throw new AssertionError("no " + name + " " + version + " in the registry: " + models);
    }

    /** The registry's file of a version, from the models bucket. */
    private static Path download(JsonNode model) throws Exception {
        MinioClient s3 = s3();
        Path file = Files.createTempFile("candidate", ".onnx");
        try (var in = s3.getObject(io.minio.GetObjectArgs.builder().bucket(model.path("bucket").asText())
                .object(model.path("objectKey").asText()).build())) {
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        file.toFile().deleteOnExit();
        return file;
    }

    /** Waits until every worker's readiness names this version as the model it runs. */
    private static void awaitEveryWorkerRuns(String version) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (ServiceProcess worker : platform.workers()) {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(worker.baseUri().resolve("/q/health/ready"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                boolean runs = false;
                for (JsonNode check : JSON.readTree(ready.body()).path("checks")) {
                    runs |= check.path("name").asText().equals("model")
                            && check.path("data").path("version").asText().equals(version);
                }
                if (!runs) {
                    return false;
                }
            }
            return true;
        });
    }

    private static long elapsed(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static Map<String, Integer> fields(JsonNode node) {
        Map<String, Integer> values = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asInt()));
        return values;
    }

    /** The CellDetections published so far for these images. */
    private static List<JsonNode> detectionsOf(List<String> ids) throws Exception {
        Set<String> wanted = Set.copyOf(ids);
        List<JsonNode> found = new ArrayList<>();
        for (var record : topics.readAll(Topics.CELL_DETECTIONS)) {
            JsonNode event = JSON.readTree(record.value());
            if (wanted.contains(event.path("imageId").asText())) {
                found.add(event);
            }
        }
        return found;
    }

    /** A client of the platform's S3 server, as a test's own eyes on the buckets. */
    private static MinioClient s3() {
        return MinioClient.builder().endpoint(platform.infrastructure().s3().endpoint())
                .credentials(platform.infrastructure().s3().accessKey(), platform.infrastructure().s3().secretKey())
                .build();
    }

    private static long countObjects(MinioClient s3) {
        long n = 0;
        for (var ignored : s3.listObjects(ListObjectsArgs.builder().bucket("images").recursive(true).build())) {
            n++;
        }
        return n;
    }

    private static Map<String, JsonNode> awaitDone(List<String> ids) {
        Map<String, JsonNode> done = new LinkedHashMap<>();
        await().atMost(PROCESSING).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (String id : ids) {
                Optional<JsonNode> image = client.image(id);
                if (image.isPresent() && image.get().path("status").asText().equals("DONE")) {
                    done.put(id, image.get());
                }
            }
            return done.size() == ids.size();
        });
        return done;
    }

    private static Map<String, Integer> counts(JsonNode node) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        node.path("counts").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }
}
