package org.bloodcells.results.delivery;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.bloodcells.results.support.HospitalFhirServer;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.http.Roles;
import org.bloodcells.results.support.PipelineEvents;
import org.bloodcells.testsupport.TestTokens;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import org.hl7.fhir.r4.model.Bundle;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.time.Instant;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Signed reports reach the hospital's FHIR server through the outbox: a real HAPI FHIR server (plain
 * {@code RestfulServer}, in-memory store) taken down mid-way and brought back on the same port, and one answering
 * errors. Every report arrives once (one resource per report id; an amendment a new version of it), the delivery
 * state visible to ops all the while.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FhirEndpointPort.class, restrictToAnnotatedClass = true)
class FhirDeliveryTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    FhirOutbox outbox;

    private HospitalFhirServer hospital;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void hospitalUp() throws Exception {
        // Read here, not injected: the other test classes run without it (an injected one would be required there).
        URI endpoint = ConfigProvider.getConfig().getValue("bloodcells.fhir-delivery.endpoint", URI.class);
        hospital = new HospitalFhirServer(endpoint);
        hospital.start();
    }

    @AfterEach
    void hospitalDown() throws Exception {
        hospital.close();
    }

    /** A minimal valid report, as the signing transaction would hand it over; {@code text} marks its version. */
    private static String report(String text) {
        DiagnosticReport report = new DiagnosticReport();
        report.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
        report.setCode(new CodeableConcept(new Coding("http://loinc.org", "58410-2",
                "CBC panel - Blood by Automated count")));
        report.setConclusion(text);
        return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(report);
    }

    /** Enqueues in a transaction of its own, as a signature commits. */
    private void sign(String reportId, String text) {
        QuarkusTransaction.requiringNew().run(() -> outbox.enqueue("DiagnosticReport", reportId, report(text)));
    }

    /** The outbox's entries of one report, newest first, as ops read them. */
    private static JsonPath deliveries(String reportId) {
        return given().queryParam("resourceId", reportId).when().get("/fhir-deliveries").then().statusCode(200)
                .extract().jsonPath();
    }

    private void awaitDelivered(String... reportIds) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            for (String id : reportIds) {
                assertEquals(java.util.List.of(), deliveries(id).getList("items.findAll { it.state != 'DELIVERED' }"),
                        id + " still waiting");
            }
        });
    }

    /** The reports at the hospital of this run: id → latest version. */
    private Map<String, String> atTheHospital() {
        Map<String, String> versions = new TreeMap<>();
        for (DiagnosticReport r : hospital.reports()) {
            if (r.getIdElement().getIdPart().startsWith(run)) {
                versions.put(r.getIdElement().getIdPart(), r.getIdElement().getVersionIdPart());
            }
        }
        return versions;
    }

    private static double metric(String name, String state) {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^" + name + "\\{[^}]*state=\"" + state + "\"[^}]*} ([0-9.E+-]+)$",
                Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), () -> name + " for " + state + " in /q/metrics: " + text.lines()
                .filter(l -> l.contains("fhir")).toList());
        return Double.parseDouble(m.group(1));
    }

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    private static io.restassured.specification.RequestSpecification asAnalyst() {
        return given().auth().oauth2(TestTokens.of("ana", Roles.ANALYST));
    }

    private static String signOff(String slide, String version, String reason) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("version", version);
        body.put("reason", reason);
        body.put("acknowledgeUnreviewed", true);
        return asAnalyst().contentType(ContentType.JSON).body(body).when()
                .post("/slides/{id}/report/sign-off", slide).then().statusCode(201).extract().asString();
    }

    /** The DiagnosticReport of the Bundle the hospital holds now under {@code id}. */
    private DiagnosticReport receivedReport(String id) {
        Bundle bundle = hospital.bundles().stream().filter(b -> b.getIdElement().getIdPart().equals(id)).findFirst()
                .orElseThrow();
        return (DiagnosticReport) bundle.getEntryFirstRep().getResource();
    }

    @Test
    void aSignedSlideReportArrivesAsOneBundleAndItsAmendmentAsANewVersionOfIt() throws Exception {
        String slide = "slide-" + run, image = PipelineEvents.newImageId();
        Instant at = Instant.now().minus(Duration.ofHours(1));
        try (PipelineEvents events = new PipelineEvents(kafkaBootstrapServers, json)) {
            events.publish(ImageUploaded.builder().imageId(image).bucket("images").objectKey("sha256/" + image + ".jpg")
                    .contentType("image/jpeg").sizeBytes(1000).scannerId("scanner-7").slideId(slide)
                    .batchId("batch-" + run).uploadedAt(at).build());
            events.publish(PipelineEvents.detections(image, "1.0.0", 20, 1, 2, at.plusSeconds(30)));
        }
        String version = await().atMost(PATIENCE).until(() -> asAnalyst().when().get("/slides/{id}/report", slide)
                .then().extract().jsonPath(), r -> Integer.valueOf(1).equals(r.get("report.fields.counted")))
                .getString("version");
        signOff(slide, version, null);
        String bundleId = asAnalyst().accept("application/fhir+json").when().get("/slides/{id}/report", slide)
                .then().statusCode(200).extract().path("id");
        await().atMost(PATIENCE).until(() -> hospital.bundleVersions(bundleId) == 1);
        assertEquals(DiagnosticReport.DiagnosticReportStatus.FINAL, receivedReport(bundleId).getStatus());

        // A correction amends the report; signed again, it reaches the hospital as the same Bundle's next version.
        asAnalyst().contentType(ContentType.JSON).body("{\"action\":\"CORRECTED\",\"counts\":{\"WBC\":2}}")
                .when().post("/images/{id}/review", image).then().statusCode(200);
        String amended = asAnalyst().when().get("/slides/{id}/report", slide).then().statusCode(200)
                .body("state", equalTo("AMENDED")).extract().path("version");
        signOff(slide, amended, "a second white cell");
        await().atMost(PATIENCE).until(() -> hospital.bundleVersions(bundleId) == 2);
        assertEquals(DiagnosticReport.DiagnosticReportStatus.AMENDED, receivedReport(bundleId).getStatus());
        assertEquals(1, hospital.bundles().stream().filter(b -> b.getIdElement().getIdPart().equals(bundleId))
                .count(), "one report for the slide, never a second");
    }

    @Test
    void everySignedReportArrivesOnceAcrossTheHospitalsOutage() throws Exception {
        String a = run + "-a", b = run + "-b", c = run + "-c", d = run + "-d";
        sign(a, "a signed");
        sign(b, "b signed");
        sign(c, "c signed");
        awaitDelivered(a, b, c);
        assertEquals(Map.of(a, "1", b, "1", c, "1"), atTheHospital());

        hospital.stop();
        sign(a, "a amended");
        sign(d, "d signed");
        sign(a, "a amended twice");
        // During the outage: the first waiting entry of each report fails and is retried, visibly; the second
        // amendment of a waits behind the first, PENDING.
        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonPath ofA = deliveries(a);
            assertEquals(java.util.List.of("PENDING", "FAILED", "DELIVERED"), ofA.getList("items.state"));
            assertTrue(ofA.getInt("items[1].attempts") >= 2, () -> "retried: " + ofA.get());
            assertTrue(ofA.getString("items[1].lastError").startsWith("no answer"), () -> "" + ofA.get());
            assertEquals("FAILED", deliveries(d).getString("items[0].state"));
        });
        assertTrue(metric("bloodcells_results_fhir_outbox", "FAILED") >= 2, "the outbox gauge shows the failures");
        assertEquals(Map.of(a, "1", b, "1", c, "1"), atTheHospital(), "nothing arrives while the hospital is down");

        hospital.start();
        awaitDelivered(a, b, c, d);
        // Once each: a's two amendments are versions 2 and 3 of the same report, in order; no report twice.
        assertEquals(Map.of(a, "3", b, "1", c, "1", d, "1"), atTheHospital());
        assertEquals(6, hospital.versions(run), "one PUT per signature");
        assertEquals(0, hospital.creates());
        DiagnosticReport latest = hospital.reports().stream().filter(r -> r.getIdElement().getIdPart().equals(a))
                .findFirst().orElseThrow();
        assertEquals("a amended twice", latest.getConclusion());
        given().queryParam("resourceId", a).when().get("/fhir-deliveries").then()
                .body("deliveryOn", equalTo(true))
                .body("items", hasSize(3))
                .body("items.state", everyItem(equalTo("DELIVERED")))
                .body("items.lastError", everyItem(equalTo(null)))
                .body("items[1].attempts", greaterThanOrEqualTo(2));
    }

    @Test
    void aHospitalAnsweringErrorsShowsAsFailedAndGetsTheReportOnceItAccepts() throws Exception {
        String e = run + "-e";
        hospital.refuseWith(422);
        sign(e, "e signed");
        await().atMost(PATIENCE).untilAsserted(() -> given().queryParam("resourceId", e).when()
                .get("/fhir-deliveries").then().body("items[0].state", equalTo("FAILED"))
                .body("items[0].lastError", startsWith("HTTP 422")));
        hospital.refuseWith(500);
        await().atMost(PATIENCE).untilAsserted(() -> given().queryParam("resourceId", e).when()
                .get("/fhir-deliveries").then().body("items[0].state", equalTo("FAILED"))
                .body("items[0].lastError", startsWith("HTTP 500")));
        assertEquals(Map.of(), atTheHospital());

        hospital.refuseWith(0);
        awaitDelivered(e);
        assertEquals(Map.of(e, "1"), atTheHospital());
        assertEquals(1, hospital.versions(run));
    }

    @Test
    void aReportWhoseAnswerWasLostIsSentAgainAsANewVersionOfTheSameReport() throws Exception {
        String h = run + "-h";
        // Stored by the hospital, but its answer comes after the sender's read timeout (%test: 2 s): to the sender
        // it failed, as when results-service stops between the PUT and marking the entry delivered.
        hospital.answerAfter(Duration.ofSeconds(3));
        sign(h, "h signed");
        await().atMost(PATIENCE).untilAsserted(() -> given().queryParam("resourceId", h).when()
                .get("/fhir-deliveries").then().body("items[0].state", equalTo("FAILED"))
                .body("items[0].lastError", startsWith("no answer")));
        assertEquals(java.util.Set.of(h), atTheHospital().keySet(), "the hospital has it, the outbox does not know");

        hospital.answerAfter(Duration.ZERO);
        awaitDelivered(h);
        // Sent again as the same PUT: still one report, the resend a later version of it.
        Map<String, String> stored = atTheHospital();
        assertEquals(java.util.Set.of(h), stored.keySet());
        assertTrue(Long.parseLong(stored.get(h)) >= 2, () -> "resent as a later version of " + h + ": " + stored);
        assertEquals(0, hospital.creates());
    }

    @Test
    void aReportWhoseSigningRolledBackIsNeverSent() {
        String f = run + "-f";
        assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            outbox.enqueue("DiagnosticReport", f, report("f signed"));
            throw new IllegalStateException("the signature was refused");
        }));
        given().queryParam("resourceId", f).when().get("/fhir-deliveries").then().statusCode(200)
                .body("items", empty());
    }

    @Test
    void aPayloadThatIsNotTheResourceItNamesIsRefusedAndTheSigningRollsBack() {
        String g = run + "-g";
        String patient = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(new Patient());
        for (String[] bad : new String[][] { { g, patient }, { g, "{\"no\":1}" }, { "slide/1", report("bad id") } }) {
            assertThrows(IllegalArgumentException.class, () -> QuarkusTransaction.requiringNew()
                    .run(() -> outbox.enqueue("DiagnosticReport", bad[0], bad[1])), bad[1]);
        }
        given().queryParam("resourceId", g).when().get("/fhir-deliveries").then().statusCode(200)
                .body("items", empty());
    }
}
