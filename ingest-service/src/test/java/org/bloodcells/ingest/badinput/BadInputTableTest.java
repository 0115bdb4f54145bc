package org.bloodcells.ingest.badinput;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.bloodcells.events.Topics;
import org.bloodcells.ingest.badinput.BadFiles.BadFile;
import org.bloodcells.ingest.bucket.IncomingKey;
import org.bloodcells.ingest.bucket.IncomingObjects;
import org.bloodcells.ingest.support.TestBucket;
import org.bloodcells.ingest.support.TestImages;
import org.bloodcells.ingest.support.TopicEnds;
import org.bloodcells.storage.StorageConfig;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The bad-input table (README: "What ingest refuses"): every case gets its precise 4xx over HTTP, or its rejected/
 * object and reason in the bucket; nothing is stored under the content addresses, nothing is published, and the
 * service stays healthy after each.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class BadInputTableTest {

    @Inject
    StorageConfig storage;

    @Inject
    IncomingObjects incoming;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    private static TopicEnds topics;

    /** One HTTP request that must be refused. */
    record HttpCase(String what, Supplier<Response> send, int status, String says) {
        @Override
        public String toString() {
            return what;
        }
    }

    @AfterAll
    static void close() {
        if (topics != null) {
            topics.close();
        }
    }

    private static RequestSpecification form(String scanner, String slide, String batch) {
        RequestSpecification request = given();
        if (scanner != null) {
            request.multiPart("scannerId", scanner);
        }
        if (slide != null) {
            request.multiPart("slideId", slide);
        }
        if (batch != null) {
            request.multiPart("batchId", batch);
        }
        return request;
    }

    private static RequestSpecification form() {
        return form("scanner-bad", "slide-bad", "batch-bad");
    }

    private static Response raw(byte[] body, String fileName) {
        RequestSpecification request = given().contentType("application/octet-stream").body(body)
                .queryParam("scannerId", "scanner-bad").queryParam("slideId", "slide-bad")
                .queryParam("batchId", "batch-bad");
        if (fileName != null) {
            request.queryParam("fileName", fileName);
        }
        return request.post("/images");
    }

    static Stream<Arguments> httpCases() {
        byte[] good = TestImages.uniqueVariant(TestImages.IMAGE_7);
        List<HttpCase> cases = new ArrayList<>();
        for (BadFile file : BadFiles.all()) {
            cases.add(new HttpCase("multipart: " + file.what(), () -> form()
                    .multiPart("file", file.fileName(), file.bytes(), "image/jpeg").post("/images"),
                    file.status(), file.reason()));
        }
        for (BadFile file : BadFiles.all()) {
            if (Set.of("an empty file", "a JPEG+ZIP polyglot", "a PNG bomb: 50000x50000 zeros in a few kB",
                    "a file over the size limit (1 MiB in tests)").contains(file.what())) {
                cases.add(new HttpCase("raw body: " + file.what(), () -> raw(file.bytes(), file.fileName()),
                        file.status(), file.reason()));
            }
        }
        byte[] half = Arrays.copyOf(good, good.length / 2);
        cases.addAll(List.of(
                new HttpCase("a good file beside a damaged one: the whole upload is refused", () -> form()
                        .multiPart("file", "good.jpg", good, "image/jpeg")
                        .multiPart("file", "damaged.jpg", half, "image/jpeg").post("/images"), 422, "1 of 2 files"),
                new HttpCase("a file name that climbs out: ../../etc/passwd.jpg", () -> form()
                        .multiPart("file", "../../etc/passwd.jpg", good, "image/jpeg").post("/images"), 400,
                        "is a path"),
                new HttpCase("a Windows path as file name", () -> form()
                        .multiPart("file", "..\\..\\boot.jpg", good, "image/jpeg").post("/images"), 400, "is a path"),
                new HttpCase("a file name with a newline", () -> raw(good, "a\nb.jpg"), 400, "control"),
                new HttpCase("a file name with a NUL", () -> raw(good, "a\u0000.jpg"), 400, "control"),
                new HttpCase("a file name with U+202E (shows exe.jpg)", () -> raw(good, "cells\u202Egpj.exe"), 400,
                        "formatting"),
                new HttpCase("a file name of 300 characters", () -> raw(good, "x".repeat(296) + ".jpg"), 400,
                        "at most 255"),
                new HttpCase("a scanner id of 200 characters", () -> form("s".repeat(200), "slide-bad", "batch-bad")
                        .multiPart("file", "a.jpg", good, "image/jpeg").post("/images"), 400, "scannerId must be"),
                new HttpCase("a scanner id with a space", () -> form("scanner 7", "slide-bad", "batch-bad")
                        .multiPart("file", "a.jpg", good, "image/jpeg").post("/images"), 400, "scannerId must be"),
                new HttpCase("a slide id that is a path: ../x", () -> form("scanner-bad", "../x", "batch-bad")
                        .multiPart("file", "a.jpg", good, "image/jpeg").post("/images"), 400, "slideId must be"),
                new HttpCase("an empty scanner id", () -> form("", "slide-bad", "batch-bad")
                        .multiPart("file", "a.jpg", good, "image/jpeg").post("/images"), 400, "scannerId is required"),
                new HttpCase("no batch id", () -> form("scanner-bad", "slide-bad", null)
                        .multiPart("file", "a.jpg", good, "image/jpeg").post("/images"), 400, "batchId is required"),
                new HttpCase("no slide id on a raw body", () -> given().contentType("image/jpeg").body(good)
                        .queryParam("scannerId", "scanner-bad").queryParam("batchId", "batch-bad").post("/images"),
                        400, "slideId is required"),
                new HttpCase("no file at all", () -> form().post("/images"), 400, "no image"),
                new HttpCase("the file in a part named 'files'", () -> form()
                        .multiPart("files", "a.jpg", good, "image/jpeg").post("/images"), 400, "no image"),
                new HttpCase("101 parts (at most 100)", () -> {
                    RequestSpecification request = form();
                    for (int i = 0; i < 101; i++) {
                        request.multiPart("file", "f" + i + ".jpg", new byte[] { (byte) i }, "image/jpeg");
                    }
                    return request.post("/images");
                }, 400, "at most 100"),
                new HttpCase("micronsPerPixel NaN", () -> form().multiPart("micronsPerPixel", "NaN")
                        .multiPart("file", "a.jpg", good, "image/jpeg").post("/images"), 400, "micronsPerPixel must"),
                new HttpCase("micronsPerPixel 1e309 (infinite)", () -> form().multiPart("micronsPerPixel", "1e309")
                        .multiPart("file", "a.jpg", good, "image/jpeg").post("/images"), 400, "micronsPerPixel must"),
                new HttpCase("micronsPerPixel with SQL after it", () -> form()
                        .multiPart("micronsPerPixel", "0.1; drop table image")
                        .multiPart("file", "a.jpg", good, "image/jpeg").post("/images"), 400, "must be a number"),
                new HttpCase("a text/plain body", () -> given().contentType("text/plain").body("hello")
                        .post("/images"), 415, "\"status\":415"),
                new HttpCase("a JSON body", () -> given().contentType("application/json").body("{\"file\":\"x\"}")
                        .post("/images"), 415, "\"status\":415")));
        return cases.stream().map(c -> Arguments.of(c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("httpCases")
    void eachBadUploadGetsItsPrecise4xxAndLeavesNoTrace(HttpCase bad) throws Exception {
        TestBucket bucket = bucket();
        TopicEnds topics = topics();
        Set<String> keysBefore = storedKeys(bucket);
        long uploadsBefore = topics.records(Topics.IMAGES_UPLOADED);
        long membershipsBefore = topics.records(Topics.IMAGE_MEMBERSHIPS);

        Response response = bad.send().get();

        assertEquals(bad.status(), response.statusCode(), response.asString());
        assertTrue(response.asString().contains(bad.says()), response.asString());
        assertEquals(keysBefore, storedKeys(bucket), "nothing stored");
        assertEquals(uploadsBefore, topics.records(Topics.IMAGES_UPLOADED), "nothing announced");
        assertEquals(membershipsBefore, topics.records(Topics.IMAGE_MEMBERSHIPS), "no membership announced");
        given().get("/q/health/live").then().statusCode(200);
    }

    /** One object a scanner put in the bucket that must end in rejected/. */
    record BucketCase(String what, String key, byte[] bytes, int status, String reason) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Arguments> bucketCases() {
        byte[] good = TestImages.uniqueVariant(TestImages.IMAGE_11);
        List<BucketCase> cases = new ArrayList<>();
        for (BadFile file : BadFiles.all()) {
            cases.add(new BucketCase(file.what(), "incoming/scanner-bad/batch-bad/slide-bad/" + file.fileName(),
                    file.bytes(), file.status(), file.reason()));
        }
        cases.addAll(List.of(
                new BucketCase("a key without slide folder", "incoming/scanner-bad/batch-bad/a.jpg", good, 400,
                        "INVALID_KEY"),
                new BucketCase("a key with a folder too many", "incoming/scanner-bad/batch-bad/slide-bad/x/a.jpg", good,
                        400, "INVALID_KEY"),
                new BucketCase("a scanner folder that is no id", "incoming/scanner bad/batch-bad/slide-bad/a.jpg", good,
                        400, "INVALID_KEY"),
                new BucketCase("a hidden slide folder '.slide'", "incoming/scanner-bad/batch-bad/.slide/a.jpg", good,
                        400, "INVALID_KEY"),
                new BucketCase("a file name with U+202E", "incoming/scanner-bad/batch-bad/slide-bad/x\u202Egpj.exe",
                        good, 400, "INVALID_KEY")));
        return cases.stream().map(c -> Arguments.of(c));
    }

    @ParameterizedTest(name = "bucket: {0}")
    @MethodSource("bucketCases")
    void eachBadBucketObjectMovesToRejectedWithItsReasonAndLeavesNoOtherTrace(BucketCase bad) throws Exception {
        TestBucket bucket = bucket();
        TopicEnds topics = topics();
        bucket.put(bad.key(), bad.bytes(), "image/jpeg");
        Set<String> storedBefore = storedKeys(bucket);
        Set<String> rejectedBefore = bucket.keys(IncomingKey.REJECTED);
        long uploadsBefore = topics.records(Topics.IMAGES_UPLOADED);
        long membershipsBefore = topics.records(Topics.IMAGE_MEMBERSHIPS);

        assertEquals(IncomingObjects.Outcome.REJECTED, incoming.take(bad.key()));

        JsonNode reason = json.readTree(bucket.read(IncomingKey.reasonKey(bad.key())));
        assertEquals(bad.status(), reason.path("status").asInt(), reason.toString());
        assertEquals(bad.reason(), reason.path("reason").asText(), reason.toString());
        assertFalse(bucket.exists(bad.key()), "gone from incoming/");
        Set<String> added = bucket.keys(IncomingKey.REJECTED).stream().filter(k -> !rejectedBefore.contains(k))
                .collect(Collectors.toSet());
        assertEquals(Set.of(IncomingKey.rejectedKey(bad.key()), IncomingKey.reasonKey(bad.key())), added);
        assertEquals(storedBefore, storedKeys(bucket), "nothing stored under a content address");
        assertEquals(uploadsBefore, topics.records(Topics.IMAGES_UPLOADED), "nothing announced");
        assertEquals(membershipsBefore, topics.records(Topics.IMAGE_MEMBERSHIPS), "no membership announced");
        given().get("/q/health/live").then().statusCode(200);
    }

    private TopicEnds topics() {
        if (topics == null) {
            topics = new TopicEnds(kafkaBootstrapServers);
        }
        return topics;
    }

    private static TestBucket bucket;

    private TestBucket bucket() {
        if (bucket == null) {
            bucket = new TestBucket(storage.endpoint(), storage.accessKey(), storage.secretKey(), storage.bucket());
        }
        return bucket;
    }

    /** What a stored image leaves: its object under its content address and its published marker. */
    private static Set<String> storedKeys(TestBucket bucket) throws Exception {
        Set<String> keys = new java.util.TreeSet<>(bucket.keys("sha256/"));
        keys.addAll(bucket.keys("published/"));
        return keys;
    }
}
