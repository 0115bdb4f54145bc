package org.bloodcells.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ModelResourceTest {

    @Test
    void theReleasedModelIsListedWithItsVersionClassesAndChecksum() {
        given().when().get("/models").then()
                .statusCode(200)
                .body("name", hasItem("efficientdet-d0-bccd"))
                .body("find { it.name == 'efficientdet-d0-bccd' }.classes", org.hamcrest.Matchers.contains("RBC", "WBC", "Platelets"))
                .body("find { it.name == 'efficientdet-d0-bccd' }.sha256", matchesPattern("[0-9a-f]{64}"))
                .body("find { it.name == 'efficientdet-d0-bccd' }.inputSize", org.hamcrest.Matchers.is(576));
    }
}
