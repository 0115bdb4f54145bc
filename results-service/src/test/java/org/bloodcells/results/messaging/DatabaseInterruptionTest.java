package org.bloodcells.results.messaging;

import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.bloodcells.results.support.PipelineEvents.detections;
import static org.bloodcells.results.support.PipelineEvents.newImageId;
import static org.bloodcells.results.support.PipelineEvents.uploaded;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import org.bloodcells.results.support.PipelineEvents;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The database cuts every connection of the service for a few seconds (the real PostgreSQL, its sessions terminated
 * as a restart or a failover terminates them) while events arrive: the consumers retry instead of stopping their
 * channels, and the events are stored once the database answers again.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class DatabaseInterruptionTest {

    private static final String TERMINATE_THE_OTHERS = """
            select pg_terminate_backend(pid) from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'""";

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String username;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    private static double retries() {
        return when().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith("bloodcells_results_retries_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void eventsArrivingWhileTheDatabaseDropsEveryConnectionAreStoredOnceItAnswersAgain() throws Exception {
        String id = newImageId();
        String slide = "slide-" + UUID.randomUUID();
        String batch = "batch-" + UUID.randomUUID();
        double retriesBefore = retries();
        AtomicBoolean cutting = new AtomicBoolean(true);
        PipelineEvents.vouchFor("efficientdet-d0-bccd", "1.0.0"); // before the database drops connections
        try (Connection admin = DriverManager.getConnection(jdbcUrl, username, password);
                PipelineEvents events = new PipelineEvents(kafkaBootstrapServers, json)) {
            Thread cutter = new Thread(() -> {
                try (Statement sql = admin.createStatement()) {
                    while (cutting.get()) {
                        sql.execute(TERMINATE_THE_OTHERS);
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "connection-cutter");
            cutter.start();
            try {
                events.publish(uploaded(id, slide, batch));
                events.publish(detections(id, "1.0.0", 7, 1, 2, Instant.parse("2026-12-02T08:00:00Z")));
                // The consumers met the cut (and retried) before it ends: otherwise this proves nothing.
                await().atMost(Duration.ofSeconds(60)).until(() -> retries() >= retriesBefore + 2);
                Thread.sleep(1500);
            } finally {
                cutting.set(false);
                cutter.join();
            }
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/images/{id}", id)
                .then().statusCode(200)
                .body("status", equalTo("DONE"))
                .body("batchId", equalTo(batch))
                .body("detection.counts.RBC", equalTo(7)));
        when().get("/batches/{batch}", batch).then().statusCode(200).body("images.total", equalTo(1));
    }
}
