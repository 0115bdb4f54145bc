package org.bloodcells.results.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.util.UUID;

import org.bloodcells.http.Roles;
import org.bloodcells.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Listing and exporting patient data leaves one audit entry per request (the same request repeated at once, one):
 * who asked, what, and with which filter.
 */
@QuarkusTest
class PatientDataReadsAuditTest {

    @Test
    void everyListingAndExportIsAuditedOnceWithWhoAndTheFilter() {
        String analyst = "analyst-" + UUID.randomUUID();
        String token = TestTokens.of(analyst, Roles.ANALYST);
        String batch = "batch-" + UUID.randomUUID();
        String slide = "slide-" + UUID.randomUUID();
        given().auth().oauth2(token).queryParam("batch", batch).when().get("/images").then().statusCode(200);
        // The same request again at once (the page refreshes): no second entry.
        given().auth().oauth2(token).queryParam("batch", batch).when().get("/images").then().statusCode(200);
        given().auth().oauth2(token).queryParam("batch", batch).queryParam("format", "csv").when().get("/images")
                .then().statusCode(200);
        given().auth().oauth2(token).queryParam("by", "slide").queryParam("batch", batch).when().get("/aggregates")
                .then().statusCode(200);
        given().auth().oauth2(token).queryParam("slide", slide).when().get("/review").then().statusCode(200);
        // Asked for, so audited, whether or not anything matched.
        given().auth().oauth2(token).when().get("/slides/{id}/counts", slide).then().statusCode(404);
        given().auth().oauth2(token).when().get("/slides/{id}/cells", slide).then().statusCode(404);
        given().auth().oauth2(token).when().get("/batches/{id}", batch).then().statusCode(404);
        given().auth().oauth2(token).queryParam("from", "1.0.0").queryParam("to", "2.0.0").queryParam("model", "m")
                .when().get("/batches/{id}/compare", batch).then().statusCode(404);

        given().auth().oauth2(TestTokens.of("olga", Roles.OPS)).queryParam("actor", analyst).when().get("/audit")
                .then().statusCode(200)
                .body("items.actor", everyItem(equalTo(analyst)))
                .body("items.action", containsInAnyOrder("LISTING", "EXPORT", "LISTING", "LISTING", "LISTING",
                        "LISTING", "LISTING", "LISTING"))
                .body("items.subject", containsInAnyOrder("images", "images", "aggregates", "review queue",
                        "slide " + slide, "slide " + slide, "batch " + batch, "batch " + batch))
                .body("items.find { it.action == 'EXPORT' }.detail",
                        equalTo("GET /images?batch=" + batch + "&format=csv"))
                .body("items.detail", hasItems("GET /images?batch=" + batch,
                        "GET /aggregates?by=slide&batch=" + batch, "GET /review?slide=" + slide,
                        "GET /batches/" + batch + "/compare?from=1.0.0&to=2.0.0&model=m"));
    }
}
