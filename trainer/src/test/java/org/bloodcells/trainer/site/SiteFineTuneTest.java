package org.bloodcells.trainer.site;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.bloodcells.eval.ExportSiteDataset;
import org.bloodcells.storage.StorageConfig;
import org.bloodcells.testsupport.BackgroundInstall;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.bloodcells.trainer.python.PythonTrainer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * A site fine-tune through the trainer's API, its dataset in the real S3 images bucket as results-service exports it
 * ({@code datasets/<name>/}, the manifest last): the request's rules, the checks of what was downloaded, and a tiny
 * real run (PyTorch) to the site gate's verdict, visible on the run and on the candidate's registry entry.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class SiteFineTuneTest {

    @Inject
    MinioClient s3;

    @Inject
    StorageConfig storage;

    @TempDir
    Path dir;

    @Test
    void aSiteRequestThatCannotRunIsRefusedWithItsProblems() {
        given().contentType(ContentType.JSON).body(Map.of("site", true, "dataset", "../etc", "mixShare", 1.5))
                .when().post("/training-runs").then().statusCode(400)
                .body("detail", containsString("site dataset of the images bucket"))
                .body("detail", containsString("mixShare must be at least 0 and less than 1"));
        given().contentType(ContentType.JSON).body(Map.of("dataset", "bccd", "epochs", 1, "mixShare", 0.5))
                .when().post("/training-runs").then().statusCode(400)
                .body("detail", containsString("mixShare is for a site fine-tune"));
    }

    @Test
    void aMissingIncompleteOrAlteredSiteDatasetIsTheCallersToFix() throws Exception {
        given().contentType(ContentType.JSON).body(Map.of("site", true, "dataset", "no-such-site"))
                .when().post("/training-runs").then().statusCode(422)
                .body("detail", containsString("no site dataset 'no-such-site'"));

        SiteDatasetTest.write(dir, SiteDatasetTest.splits(12), "WBC");
        Files.delete(dir.resolve(SiteDataset.MANIFEST));
        upload(dir, "half-written");
        given().contentType(ContentType.JSON).body(Map.of("site", true, "dataset", "half-written"))
                .when().post("/training-runs").then().statusCode(422).body("detail", containsString("incomplete"));

        SiteDatasetTest.manifest(dir, "0".repeat(64), SiteDatasetTest.splits(12));
        upload(dir, "altered");
        given().contentType(ContentType.JSON).body(Map.of("site", true, "dataset", "altered"))
                .when().post("/training-runs").then().statusCode(422)
                .body("detail", containsString("does not match its manifest"));

        SiteDatasetTest.write(dir, SiteDatasetTest.splits(3), "WBC");
        upload(dir, "too-small");
        given().contentType(ContentType.JSON).body(Map.of("site", true, "dataset", "too-small"))
                .when().post("/training-runs").then().statusCode(422)
                .body("detail", containsString("a fine-tune needs at least 10"));
    }

    /** The other lab's crops as a site dataset: two optimiser steps, 4 images per split, then the gate decides. */
    @Test
    void aTinySiteFineTuneEndsWithTheSiteGatesVerdictOnTheRunAndTheCandidate() throws Exception {
        BackgroundInstall.assumeSucceeded();
        Assumptions.assumeTrue(System.getenv("TRAINER_PYTHON") != null
                || PythonTrainer.find(Path.of("python")).isPresent(), "no python3 with torch here");
        Path site = dir.resolve("draaslan");
        assertEquals(0, new picocli.CommandLine(new ExportSiteDataset()).execute("--other-lab",
                "../datasets/draaslan-bcd", "--out", site.toString()));
        Map<String, List<String>> splits = Map.of("train", lines(site, "train"), "val", lines(site, "val"), "test",
                lines(site, "test"));
        String fingerprint = SiteDatasetTest.fingerprint(site);
        SiteDatasetTest.manifest(site, fingerprint, splits);
        upload(site, "draaslan-journey");
        JsonPath released = given().when().get("/models").then().statusCode(200).extract().jsonPath();
        String name = released.getString("find { it.status == 'PROMOTED' }.name");
        String promoted = released.getString("find { it.status == 'PROMOTED' }.version");

        int id = given().contentType(ContentType.JSON).body(Map.of("site", true, "dataset", "draaslan-journey",
                "imageLimit", 4, "maxSteps", 2, "batchSize", 2, "crop", 256, "valEvery", 0, "seed", 3))
                .when().post("/training-runs").then().statusCode(202).body("status", equalTo("RUNNING"))
                .body("settings.mixShare", equalTo(0.5f)).body("settings.minutes", equalTo(20.0f))
                .extract().path("id");
        try {
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2)).until(() -> !"RUNNING"
                    .equals(given().when().get("/training-runs/" + id).then().extract().path("status")));
            JsonPath run = given().when().get("/training-runs/" + id).then().statusCode(200).extract().jsonPath();
            assertEquals("SUCCEEDED", run.getString("status"), run.getString("error"));
            String log = given().when().get("/training-runs/" + id + "/log").then().extract().asString();
            assertTrue(log.contains("--mix-voc") && log.contains("--init") && log.contains("[calibrating]")
                    && log.contains("site gate: "), log);
            Map<String, Object> gate = run.getMap("progress.siteGate");
            assertEquals(fingerprint, gate.get("siteFingerprint"));
            assertEquals(List.of("RBC", "WBC"), gate.get("labelledClasses"), "platelets are unlabelled there");
            assertEquals(promoted, gate.get("comparedWith"));
            assertEquals(run.getString("progress.siteGate.promotedSiteTest.splitFingerprint"),
                    run.getString("progress.siteGate.candidateSiteTest.splitFingerprint"));
            assertEquals(4, run.getInt("progress.siteGate.candidateSiteTest.images"));
            boolean passes = run.getBoolean("progress.siteGate.passes");
            assertEquals(passes, run.getBoolean("progress.promoted"));
            assertTrue(passes != run.getList("progress.siteGate.failures").size() > 0, gate.toString());

            String version = run.getString("modelVersion");
            given().when().get("/models/" + name + "/" + version).then().statusCode(200)
                    .body("status", equalTo(passes ? "PROMOTED" : "CANDIDATE"))
                    .body("dataset", equalTo("draaslan-journey")).body("datasetFingerprint", equalTo(fingerprint))
                    .body("parentVersion", equalTo(promoted))
                    .body("trainingSettings.siteGate.passes", equalTo(passes))
                    .body("trainingSettings.siteGate.candidateHeldBack.ap50", equalTo(
                            run.getFloat("progress.siteGate.candidateHeldBack.ap50")));
        } finally {
            // the released version stays the one in force for the other tests of this JVM
            given().contentType(ContentType.JSON).body(Map.of("override", true, "reason", "site fine-tune test"))
                    .when().post("/models/" + name + "/" + promoted + "/promote").then().statusCode(200);
        }
    }

    private static List<String> lines(Path site, String split) throws Exception {
        return Files.readAllLines(site.resolve("ImageSets/Main").resolve(split + ".txt")).stream()
                .filter(l -> !l.isBlank()).toList();
    }

    private void upload(Path folder, String name) throws Exception {
        String bucket = storage.bucket();
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString()
                    .equals(SiteDataset.MANIFEST)).toList();
        }
        for (Path file : files) {
            put(bucket, SiteDatasets.PREFIX + name + "/" + folder.relativize(file).toString().replace('\\', '/'),
                    file);
        }
        if (Files.exists(folder.resolve(SiteDataset.MANIFEST))) {
            put(bucket, SiteDatasets.PREFIX + name + "/" + SiteDataset.MANIFEST, folder.resolve(SiteDataset.MANIFEST));
        }
    }

    private void put(String bucket, String key, Path file) throws Exception {
        s3.uploadObject(UploadObjectArgs.builder().bucket(bucket).object(key).filename(file.toString()).build());
    }
}
