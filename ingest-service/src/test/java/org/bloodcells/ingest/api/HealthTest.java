package org.bloodcells.ingest.api;

import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Orchestrators route uploads only to a replica that reaches both the bucket and the broker. */
@QuarkusTest
class HealthTest {

    @Test
    void readyWhenObjectStorageAndKafkaAnswer() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("object-storage"))
                .body("checks.name", hasItem("SmallRye Reactive Messaging - readiness check")));
    }
}
