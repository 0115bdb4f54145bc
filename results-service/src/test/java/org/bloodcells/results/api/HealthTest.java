package org.bloodcells.results.api;

import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** A replica is ready once it reaches the database and its consumers are connected. */
@QuarkusTest
class HealthTest {

    @Test
    void readyWhenDatabaseAndKafkaAnswer() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Database connections health check"))
                .body("checks.name", hasItem("SmallRye Reactive Messaging - readiness check")));
    }
}
