package org.bloodcells.results.workspace;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.xml.parsers.DocumentBuilderFactory;

import jakarta.inject.Inject;

import org.bloodcells.http.Roles;
import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Thresholds;
import org.bloodcells.results.support.PipelineEvents;
import org.bloodcells.testsupport.BackgroundInstall;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.bloodcells.testsupport.TestTokens;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The analysts' page in a real browser (Debian's chromium through its chromedriver, Selenium 4) against
 * results-service on real Kafka, PostgreSQL and S3: four BCCD images with their annotated cells as detections, one
 * of them flagged. The journeys follow a batch's progress, chart a scanner's slides, filter images, open one over
 * its overlay and hide a class, and correct a count from the review queue. Screenshots go to
 * {@code target/screenshots}.
 *
 * <p>The browser is {@code BLOODCELLS_CHROMIUM} and {@code BLOODCELLS_CHROMEDRIVER} (defaults /usr/bin/chromium and
 * /usr/bin/chromedriver). Where neither variable is set and Debian's are not installed, the journeys are skipped
 * with that reason; where one is set it must work. Under {@code ./test.sh} the test waits for its background
 * install of Debian's browser and skips, with the reason, where that failed ({@link BackgroundInstall}).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkspaceBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Path BCCD = Path.of("..", "datasets", "bccd");
    private static final List<String> FILES = List.of("BloodImage_00000", "BloodImage_00001", "BloodImage_00003",
            "BloodImage_00004");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    ObjectMapper json;

    @Inject
    MinioClient minio;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    @TestHTTPResource("/")
    URL page;

    private final String scanner = "scanner-" + UUID.randomUUID().toString().substring(0, 8);
    private final String batch = "batch-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> ids = new ArrayList<>();
    private final Map<String, Map<String, Integer>> counts = new HashMap<>();
    private WebDriver browser;
    private String skipped;

    /** Skipped per test, not for the class: only a test's skip reaches the reports with its reason. */
    @BeforeEach
    void needsBrowser() {
        assumeTrue(skipped == null, () -> skipped);
    }

    @BeforeAll
    void seedAndOpenBrowser() throws Exception {
        Path chromium = Path.of(setting("BLOODCELLS_CHROMIUM", "/usr/bin/chromium"));
        Path driver = Path.of(setting("BLOODCELLS_CHROMEDRIVER", "/usr/bin/chromedriver"));
        skipped = BackgroundInstall.failure().orElse(null);
        boolean configured = System.getenv("BLOODCELLS_CHROMIUM") != null
                || System.getenv("BLOODCELLS_CHROMEDRIVER") != null;
        if (skipped == null && !configured && !(Files.isExecutable(chromium) && Files.isExecutable(driver))) {
            skipped = "no browser: install Debian's chromium and chromium-driver (apt-get install chromium"
                    + " chromium-driver) or set BLOODCELLS_CHROMIUM and BLOODCELLS_CHROMEDRIVER";
        }
        if (skipped != null) {
            return;
        }
        // Quarkus points RestAssured at the service before each test, not yet in a @BeforeAll.
        io.restassured.RestAssured.port = page.getPort();
        seed();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void aBatchShowsItsProgressAndCounts() throws Exception {
        browser.get(page.toString());
        // Nothing is shown before signing in; a string that is no token is refused on the page.
        WebElement token = waitFor(By.cssSelector("#signin-form textarea[name='token']"));
        assertTrue(browser.findElements(By.cssSelector("tr[data-batch]")).isEmpty(), "no batch before signing in");
        token.sendKeys("not a token");
        browser.findElement(By.id("sign-in")).click();
        await().atMost(WAIT).untilAsserted(() -> assertTrue(text(By.id("signin-message")).contains("not a token"),
                text(By.id("signin-message"))));
        screenshot("0-sign-in");
        token.clear();
        token.sendKeys(TestTokens.of("ana", Roles.ANALYST));
        browser.findElement(By.id("sign-in")).click();
        await().atMost(WAIT).untilAsserted(() -> assertTrue(text(By.id("signed-in-as")).contains("ana (analyst)"),
                text(By.id("signed-in-as"))));
        WebElement row = waitFor(By.cssSelector("tr[data-batch='" + batch + "']"));
        await().atMost(WAIT).untilAsserted(() -> assertTrue(
                text(By.cssSelector("tr[data-batch='" + batch + "'] .progress")).contains("4/4 processed"),
                text(By.cssSelector("tr[data-batch='" + batch + "']"))));
        int rbc = counts.values().stream().mapToInt(c -> c.get("RBC")).sum();
        assertTrue(row.getText().contains(Integer.toString(rbc)), row.getText() + " shows the batch's " + rbc + " RBC");
        screenshot("1-batches");
    }

    @Test
    @Order(2)
    void aScannersSlidesAreChartedAndDownloadable() throws Exception {
        browser.findElement(By.id("tab-counts")).click();
        new Select(browser.findElement(By.id("counts-by"))).selectByValue("slide");
        WebElement scannerField = browser.findElement(By.id("counts-scanner"));
        scannerField.clear();
        scannerField.sendKeys(scanner);
        browser.findElement(By.id("counts-apply")).click();
        await().atMost(WAIT).untilAsserted(() -> assertEquals(2,
                browser.findElements(By.cssSelector("#counts-table tbody tr")).size()));
        assertFalse(browser.findElements(By.cssSelector("#counts-chart svg rect")).isEmpty(), "bars drawn");
        String csv = browser.findElement(By.id("counts-csv")).getAttribute("href");
        String body = given().when().get(csv).then().statusCode(200).extract().asString();
        assertTrue(body.startsWith("slide,images,done"), body);
        assertTrue(body.contains("slide-a-" + batch) && body.contains("slide-b-" + batch), body);
        screenshot("2-counts-per-slide");
    }

    @Test
    @Order(3)
    void imagesAreFilteredAndOneIsOpenedOverItsBoxes() throws Exception {
        browser.findElement(By.id("tab-batches")).click();
        waitFor(By.cssSelector("tr[data-batch='" + batch + "']")).click();
        await().atMost(WAIT).untilAsserted(() -> assertEquals(4,
                browser.findElements(By.cssSelector("#images tbody tr[data-image-id]")).size()));

        // Only images with at least two WBC.
        long expected = counts.values().stream().filter(c -> c.get("WBC") >= 2).count();
        WebElement minWbc = browser.findElement(By.name("min-WBC"));
        minWbc.clear();
        minWbc.sendKeys("2");
        browser.findElement(By.id("apply-filters")).click();
        await().atMost(WAIT).untilAsserted(() -> assertEquals(expected,
                browser.findElements(By.cssSelector("#images tbody tr[data-image-id]")).size()));
        minWbc.clear();
        browser.findElement(By.id("apply-filters")).click();
        await().atMost(WAIT).untilAsserted(() -> assertEquals(4,
                browser.findElements(By.cssSelector("#images tbody tr[data-image-id]")).size()));

        String id = ids.get(0);
        waitFor(By.cssSelector("#images tr[data-image-id='" + id + "']")).click();
        WebElement overlay = waitFor(By.id("overlay"));
        awaitImageLoaded(overlay, 640);
        await().atMost(WAIT).untilAsserted(() -> assertTrue(text(By.id("viewer-model")).contains("1.2.0"),
                text(By.id("viewer-model"))));
        assertTrue(text(By.id("viewer-model")).contains("0.575"), "the WBC count threshold is shown");
        screenshot("3-image-viewer");

        browser.findElement(By.cssSelector("input.class-toggle[value='RBC']")).click();
        // The overlay is fetched with the token (an <img src> could not send it); data-path is what was asked.
        await().atMost(WAIT).untilAsserted(() -> assertTrue(
                overlay.getAttribute("data-path").contains("classes=WBC"), overlay.getAttribute("data-path")));
        assertFalse(overlay.getAttribute("data-path").contains("RBC"), overlay.getAttribute("data-path"));
        assertTrue(overlay.getAttribute("src").startsWith("blob:"), overlay.getAttribute("src"));
        awaitImageLoaded(overlay, 640);
        screenshot("4-image-viewer-without-rbc");
    }

    @Test
    @Order(4)
    void aFlaggedImageIsCorrectedFromTheReviewQueue() throws Exception {
        String flagged = ids.get(3);
        browser.findElement(By.id("tab-review")).click();
        waitFor(By.cssSelector("#review-queue tr[data-image-id='" + flagged + "']")).click();
        WebElement wbc = waitFor(By.cssSelector("#review-form input[name='count-WBC']"));
        int model = counts.get(flagged).get("WBC");
        assertEquals(Integer.toString(model), wbc.getAttribute("value"));
        wbc.clear();
        wbc.sendKeys(Integer.toString(model + 1));
        assertEquals("ana", text(By.id("review-by")), "the reviewer is who signed in");
        browser.findElement(By.cssSelector("#review-form textarea[name='comment']"))
                .sendKeys("a lymphocyte half outside the field");
        browser.findElement(By.id("review-save")).click();
        await().atMost(WAIT).untilAsserted(() -> assertTrue(
                text(By.id("review-message")).contains("Saved: CORRECTED by ana"), text(By.id("review-message"))));
        await().atMost(WAIT).untilAsserted(() -> assertTrue(
                browser.findElements(By.cssSelector("#review-queue tr[data-image-id='" + flagged + "']")).isEmpty()));
        await().atMost(WAIT).untilAsserted(() -> assertFalse(
                browser.findElements(By.cssSelector("#review-history li")).isEmpty()));
        screenshot("5-review-corrected");

        given().when().get("/images/{id}/reviews", flagged).then().statusCode(200)
                .body("[0].reviewer", equalTo("ana"))
                .body("[0].before.WBC", equalTo(model))
                .body("[0].after.WBC", equalTo(model + 1))
                .body("[0].comment", equalTo("a lymphocyte half outside the field"));
        given().queryParam("by", "batch").queryParam("batch", batch).when().get("/aggregates").then()
                .body("groups[0].correctedImages", equalTo(1));
    }

    @Test
    @Order(5)
    void boxesAreEditedDrawnDeletedAndConfirmedAndACellIsReclassifiedFromTheGallery() throws Exception {
        String id = ids.get(1);
        browser.findElement(By.id("tab-images")).click();
        // The list reloads when its tab is shown again after a review: click the row that stays.
        By row = By.cssSelector("#images tr[data-image-id='" + id + "']");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> waitFor(row).click());
        awaitImageLoaded(waitFor(By.id("cells-image")), 640);
        waitFor(By.cssSelector("#cells-boxes rect[data-cell='m0']"));
        List<Map<String, Object>> cells = given().when().get("/images/{id}/cells", id).then().statusCode(200)
                .extract().jsonPath().getList("cells");
        List<Map<String, Object>> clickable = clickable(cells);
        Map<String, Integer> expected = new HashMap<>(counts.get(id));
        awaitCountsShown(expected);

        // A box picked on the image and reclassified.
        Map<String, Object> first = clickable.get(0);
        String from = (String) first.get("cellClass");
        String to = from.equals("WBC") ? "RBC" : "WBC";
        box(first).click();
        await().atMost(WAIT).untilAsserted(() -> assertTrue(text(By.id("cell-picked")).startsWith(first.get("key")
                + " · " + from), text(By.id("cell-picked"))));
        new Select(browser.findElement(By.id("cell-class"))).selectByValue(to);
        browser.findElement(By.id("cell-reclassify")).click();
        expected.merge(from, -1, Integer::sum);
        expected.merge(to, 1, Integer::sum);
        awaitCountsShown(expected);
        assertTrue(text(By.id("cells-message")).contains(first.get("key") + " " + from + " → " + to + " by ana"),
                text(By.id("cells-message")));

        // Another deleted.
        Map<String, Object> second = clickable.get(1);
        box(second).click();
        browser.findElement(By.id("cell-delete")).click();
        expected.merge((String) second.get("cellClass"), -1, Integer::sum);
        awaitCountsShown(expected);

        // A missing platelet drawn by dragging over it.
        browser.findElement(By.id("draw-toggle")).click();
        new Select(browser.findElement(By.id("draw-class"))).selectByValue("Platelets");
        WebElement stage = browser.findElement(By.id("cells-boxes"));
        // In the middle of the viewport, clear of the sticky top bar.
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", stage);
        new Actions(browser).moveToElement(stage, -30, -30).clickAndHold().moveByOffset(15, 10).moveByOffset(15, 15)
                .release().perform();
        expected.merge("Platelets", 1, Integer::sum);
        awaitCountsShown(expected);
        browser.findElement(By.id("draw-toggle")).click();

        // The boxes confirmed as right, in one click.
        browser.findElement(By.id("cells-confirm")).click();
        await().atMost(WAIT).untilAsserted(() -> assertTrue(text(By.id("cells-confirmed")).startsWith(
                "Confirmed by ana"), text(By.id("cells-confirmed"))));
        screenshot("6-cells-edited");
        given().when().get("/images/{id}/cells/edits", id).then().statusCode(200)
                .body("action", equalTo(List.of("RECLASSIFY", "DELETE", "ADD")))
                .body("editedBy", equalTo(List.of("ana", "ana", "ana")));
        given().when().get("/images/{id}/cells", id).then().statusCode(200)
                .body("counts", equalTo(expected))
                .body("confirmation.confirmedBy", equalTo("ana"));

        // The slide's gallery: a white cell of the other image reclassified from its crop.
        String other = ids.get(0);
        Map<String, Integer> otherExpected = new HashMap<>(counts.get(other));
        browser.findElement(By.id("gallery-slide")).click();
        By otherWbc = By.cssSelector("#gallery .crops[data-class='WBC'] .crop[data-image-id='" + other + "']");
        WebElement crop = waitFor(otherWbc);
        await().atMost(WAIT).untilAsserted(() -> assertEquals("true", crop.getAttribute("data-drawn"),
                "the crop is cut from the stored image"));
        int wbcCrops = browser.findElements(otherWbc).size();
        assertEquals((int) otherExpected.get("WBC"), wbcCrops, "one crop per white cell of the image");
        screenshot("7-gallery-of-a-slide");
        crop.click();
        new Select(browser.findElement(By.id("cell-class"))).selectByValue("RBC");
        browser.findElement(By.id("cell-reclassify")).click();
        await().atMost(WAIT).untilAsserted(() -> assertEquals(wbcCrops - 1, browser.findElements(otherWbc).size()));
        otherExpected.merge("WBC", -1, Integer::sum);
        otherExpected.merge("RBC", 1, Integer::sum);
        given().when().get("/images/{id}/cells", other).then().statusCode(200).body("counts", equalTo(otherExpected));
        // The images list shows the reviewed count beside the model's.
        await().atMost(WAIT).untilAsserted(() -> assertTrue(text(By.cssSelector("#images tr[data-image-id='" + other
                + "']")).contains(otherExpected.get("RBC") + " (model " + counts.get(other).get("RBC") + ")"),
                text(By.cssSelector("#images tr[data-image-id='" + other + "']"))));
    }

    @Test
    @Order(6)
    void aSlideReportIsSignedShownAmendedAfterACorrectionAndSignedAgain() throws Exception {
        String slide = "slide-b-" + batch;
        browser.get(page + "report.html?slide=" + slide);
        await().atMost(WAIT).ignoreExceptions()
                .untilAsserted(() -> assertEquals("UNSIGNED", text(By.id("report-state"))));
        int rbc = counts.get(ids.get(2)).get("RBC") + counts.get(ids.get(3)).get("RBC");
        assertEquals(Integer.toString(rbc), text(By.cssSelector("#report-results tr[data-class='RBC'] td:nth-child(2)")),
                "the slide's RBC");
        assertFalse(browser.findElement(By.id("sign-reason")).isDisplayed(), "a first signature needs no reason");
        if (browser.findElement(By.id("sign-ack")).isDisplayed()) {
            browser.findElement(By.id("sign-ack")).click(); // flagged fields left unreviewed by an earlier journey
        }
        browser.findElement(By.id("sign-submit")).click();
        await().atMost(WAIT).untilAsserted(() -> assertEquals("SIGNED", text(By.id("report-state"))));
        assertTrue(text(By.id("report-signatures")).contains("Signed by ana"), text(By.id("report-signatures")));
        assertFalse(browser.findElement(By.id("sign-form")).isDisplayed(), "a signed report is final");
        screenshot("8-report-signed");

        // A correction of one of its fields amends the report: signed again, with a reason.
        given().auth().oauth2(TestTokens.of("ana", Roles.ANALYST)).contentType(io.restassured.http.ContentType.JSON)
                .body("{\"action\":\"CORRECTED\",\"counts\":{\"RBC\":" + (counts.get(ids.get(2)).get("RBC") + 1)
                        + "}}")
                .when().post("/images/{id}/review", ids.get(2)).then().statusCode(200);
        browser.navigate().refresh();
        await().atMost(WAIT).untilAsserted(() -> assertEquals("AMENDED", text(By.id("report-state"))));
        assertEquals(Integer.toString(rbc + 1),
                text(By.cssSelector("#report-results tr[data-class='RBC'] td:nth-child(2)")));
        browser.findElement(By.id("sign-submit")).click();
        await().atMost(WAIT).untilAsserted(() -> assertTrue(text(By.id("sign-message")).contains("HTTP 400"),
                text(By.id("sign-message"))));
        browser.findElement(By.id("sign-reason")).sendKeys("one red cell missed at the field's edge");
        browser.findElement(By.id("sign-submit")).click();
        await().atMost(WAIT).untilAsserted(() -> assertEquals("SIGNED", text(By.id("report-state"))));
        assertEquals(2, browser.findElements(By.cssSelector("#report-signatures li")).size(), "the first one kept");
        assertTrue(text(By.id("report-signatures")).contains("amended: one red cell missed at the field's edge"));
        screenshot("9-report-amended-and-signed-again");
    }

    /** The cells a click on the image reaches: no smaller box holds their centre (smaller boxes are drawn on top). */
    private static List<Map<String, Object>> clickable(List<Map<String, Object>> cells) {
        List<Map<String, Object>> reachable = new ArrayList<>();
        for (Map<String, Object> cell : cells) {
            double cx = (number(cell, "x1") + number(cell, "x2")) / 2;
            double cy = (number(cell, "y1") + number(cell, "y2")) / 2;
            boolean covered = cells.stream().anyMatch(o -> o != cell && area(o) <= area(cell)
                    && number(o, "x1") <= cx && cx <= number(o, "x2") && number(o, "y1") <= cy && cy <= number(o, "y2"));
            if (!covered) {
                reachable.add(cell);
            }
        }
        reachable.sort(java.util.Comparator.comparingDouble(WorkspaceBrowserTest::area));
        assertTrue(reachable.size() >= 2, "two cells to click: " + reachable);
        return reachable;
    }

    private static double number(Map<String, Object> cell, String key) {
        return ((Number) cell.get(key)).doubleValue();
    }

    private static double area(Map<String, Object> cell) {
        return (number(cell, "x2") - number(cell, "x1")) * (number(cell, "y2") - number(cell, "y1"));
    }

    private WebElement box(Map<String, Object> cell) {
        return browser.findElement(By.cssSelector("#cells-boxes rect[data-cell='" + cell.get("key") + "']"));
    }

    /** The viewer's and the cells card's counts show {@code expected}. */
    private void awaitCountsShown(Map<String, Integer> expected) {
        await().atMost(WAIT).untilAsserted(() -> {
            for (Map.Entry<String, Integer> count : expected.entrySet()) {
                for (String table : List.of("cells-counts", "viewer-counts")) {
                    assertEquals(Integer.toString(count.getValue()), text(By.cssSelector("#" + table
                            + " td[data-class='" + count.getKey() + "']")), table + " " + count.getKey() + " ("
                            + text(By.id("cells-message")) + ")");
                }
            }
        });
    }

    /** Four BCCD images in S3, their annotated cells published as a run's detections; the last one flagged. */
    private void seed() throws Exception {
        if (!minio.bucketExists(BucketExistsArgs.builder().bucket("images").build())) {
            minio.makeBucket(MakeBucketArgs.builder().bucket("images").build());
        }
        // Recent: the page lists the batches of the last 30 days.
        Instant uploaded = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        try (PipelineEvents events = new PipelineEvents(kafkaBootstrapServers, json)) {
            for (int i = 0; i < FILES.size(); i++) {
                String id = PipelineEvents.newImageId();
                String key = "browser/" + id + ".jpg";
                minio.uploadObject(UploadObjectArgs.builder().bucket("images").object(key)
                        .filename(BCCD.resolve("JPEGImages").resolve(FILES.get(i) + ".jpg").toString())
                        .contentType("image/jpeg").build());
                String slide = (i < 2 ? "slide-a-" : "slide-b-") + batch;
                events.publish(ImageUploaded.builder().imageId(id).bucket("images").objectKey(key)
                        .contentType("image/jpeg").sizeBytes(1000).scannerId(scanner).slideId(slide).batchId(batch)
                        .uploadedAt(uploaded.plusSeconds(i)).build());
                List<DetectedCell> cells = annotatedCells(FILES.get(i));
                Map<String, Integer> count = new HashMap<>(Map.of("RBC", 0, "WBC", 0, "Platelets", 0));
                cells.forEach(c -> count.merge(c.cellClass(), 1, Integer::sum));
                List<String> unlike = i == 3 ? List.of("colour: stain unlike the training images") : List.of();
                events.publish(new CellDetections(id, "efficientdet-d0-bccd", "1.2.0", 640, 480, cells, count, 40,
                        "worker-1", uploaded.plusSeconds(30 + i), null, 1, unlike,
                        new Thresholds(0.3, Map.of("RBC", 0.3, "WBC", 0.575, "Platelets", 0.625),
                                "score > 0.3, 1 view")));
                ids.add(id);
                counts.put(id, count);
            }
        }
        // Signed in explicitly: the default token is installed before each test, not yet in a @BeforeAll.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given()
                .auth().oauth2(TestTokens.of("seed", Roles.ANALYST)).queryParam("by", "batch")
                .queryParam("batch", batch).when().get("/aggregates").then().statusCode(200)
                .body("groups[0].done", equalTo(FILES.size())));
    }

    /** The image's annotated cells (PASCAL VOC) as detections with a score of 0.9. */
    private static List<DetectedCell> annotatedCells(String file) throws Exception {
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(BCCD.resolve("Annotations").resolve(file + ".xml").toFile());
        NodeList objects = xml.getElementsByTagName("object");
        List<DetectedCell> cells = new ArrayList<>();
        for (int i = 0; i < objects.getLength(); i++) {
            Element object = (Element) objects.item(i);
            cells.add(new DetectedCell(value(object, "name"), 0.9, number(object, "xmin"), number(object, "ymin"),
                    number(object, "xmax"), number(object, "ymax")));
        }
        return cells;
    }

    private static String value(Element element, String tag) {
        return element.getElementsByTagName(tag).item(0).getTextContent().trim();
    }

    private static double number(Element element, String tag) {
        return Double.parseDouble(value(element, tag));
    }

    private WebElement waitFor(By by) {
        return new WebDriverWait(browser, WAIT).until(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    private String text(By by) {
        return browser.findElement(by).getText();
    }

    private void awaitImageLoaded(WebElement image, int width) {
        await().atMost(WAIT).untilAsserted(() -> assertEquals(width, ((Number) ((JavascriptExecutor) browser)
                .executeScript("return arguments[0].complete ? arguments[0].naturalWidth : -1", image)).intValue()));
    }

    private void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static String setting(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
