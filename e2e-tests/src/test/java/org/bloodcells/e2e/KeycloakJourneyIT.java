package org.bloodcells.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.bloodcells.infra.KeycloakServer;
import org.bloodcells.launcher.LocalPlatform;
import org.bloodcells.launcher.RepositoryLayout;
import org.bloodcells.testsupport.BackgroundInstall;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The platform signed in through a real identity provider: Keycloak, from its distribution, with a realm holding the
 * four roles (src/test/resources/keycloak; its secrets and passwords are made per run). The services verify its
 * tokens through discovery and admit only tokens issued for themselves; the uploader gets the scanner's token by the
 * client credentials grant; results-service reads the trainer's registry with a token of its own; an analyst signs in
 * on the web page at Keycloak's login page (authorization code with PKCE) in Chromium, sees the batch, and signs out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakJourneyIT {

    private static final String REALM = "bloodcells";
    private static final String SCANNER = "journey-scanner";
    private static final String BATCH = "keycloak-journey";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SCANNER_SECRET = secret();
    private static final String RESULTS_SECRET = secret();
    private static final String ANALYST_PASSWORD = secret();
    private static final String OPS_PASSWORD = secret();

    private static RepositoryLayout layout;
    private static KeycloakServer keycloak;
    private static LocalPlatform platform;
    private static Path work;

    @BeforeAll
    static void startKeycloakAndThePlatform() throws Exception {
        layout = RepositoryLayout.locate();
        Path home = Path.of(System.getProperty("bloodcells.keycloak.home",
                layout.root().resolve("e2e-tests/target/keycloak/keycloak-26.7.3").toString()));
        work = Files.createDirectories(layout.root().resolve("e2e-tests/target/keycloak-journey"));
        int resultsPort = freePort();
        String realm = resource("/keycloak/bloodcells-realm.json")
                .replace("${SCANNER_SECRET}", SCANNER_SECRET).replace("${RESULTS_SECRET}", RESULTS_SECRET)
                .replace("${ANALYST_PASSWORD}", ANALYST_PASSWORD).replace("${OPS_PASSWORD}", OPS_PASSWORD)
                .replace("${RESULTS_URL}", "http://127.0.0.1:" + resultsPort);
        // Keycloak starts beside the platform (its first start after unpacking builds it, which takes longest): the
        // services fetch its discovery document at their first request, and results-service needs no discovery for
        // its own tokens, only the token endpoint.
        int keycloakPort = freePort();
        URI realmUri = KeycloakServer.realmUri(keycloakPort, REALM);
        long began = System.nanoTime();
        CompletableFuture<KeycloakServer> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return KeycloakServer.start(home, work, REALM, realm, keycloakPort);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        LocalPlatform.Options options = new LocalPlatform.Options(new LocalPlatform.Ports(0, 0, resultsPort, 0), 1, 1)
                .withIdentityProvider(KeycloakServer.quarkusProperties(realmUri))
                .withResultsSetting("bloodcells.sign-in.page-client-id", "bloodcells-workspace")
                .withResultsSetting("quarkus.oidc-client.discovery-enabled", "false")
                .withResultsSetting("quarkus.oidc-client.token-path", KeycloakServer.tokenEndpoint(realmUri).toString())
                .withResultsSetting("quarkus.oidc-client.credentials.secret", RESULTS_SECRET);
        try {
            platform = LocalPlatform.start(layout, options, LocalPlatform.Progress.toStderr());
        } finally {
            keycloak = starting.join();
        }
        System.err.printf("Keycloak ready at %s in %.1f s%n", keycloak.realmUri(), (System.nanoTime() - began) / 1e9);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    @Order(1)
    void theUploaderSignsInByClientCredentialsAndIngestVerifiesTheProvidersToken() throws Exception {
        Path images = Files.createDirectories(work.resolve("images"));
        Path image = Files.list(layout.demoImages()).filter(f -> f.toString().endsWith(".jpg")).sorted().findFirst()
                .orElseThrow();
        Files.copy(image, images.resolve(image.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path secretFile = work.resolve("scanner.secret");
        Files.writeString(secretFile, SCANNER_SECRET);
        Files.deleteIfExists(work.resolve("manifest.jsonl"));

        Process uploader = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", layout.root().resolve("uploader/target/bloodcells-upload.jar").toString(), "upload",
                images.toString(), "--scanner", SCANNER, "--batch", BATCH, "--slide", "slide-1", "--no-progress",
                "--url", platform.ingestUri().toString(), "--token-url", keycloak.tokenEndpoint().toString(),
                "--client-id", SCANNER, "--client-secret-file", secretFile.toString(),
                "--manifest", work.resolve("manifest.jsonl").toString())
                .redirectErrorStream(true).start();
        String output = new String(uploader.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(uploader.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, uploader.exitValue(), output);
        assertTrue(output.contains("Acknowledged 1 file(s) (1 new"), output);
    }

    @Test
    @Order(2)
    void eachServiceRefusesTheProvidersTokensIssuedForAnotherService() throws Exception {
        platform.awaitTrainer();
        String scannerToken = clientCredentials(SCANNER, SCANNER_SECRET);
        String resultsServiceToken = clientCredentials("results-service", RESULTS_SECRET);
        // Signed by the trusted provider, with the roles the endpoints admit, but not for these services.
        assertEquals(401, get(platform.resultsUri().resolve("/batches/" + BATCH), scannerToken));
        assertEquals(401, get(platform.trainerUri().resolve("/models"), scannerToken));
        assertEquals(401, get(platform.resultsUri().resolve("/batches/" + BATCH), resultsServiceToken));
        // results-service's own token is for the trainer, whose registry its role (ops) may read.
        assertEquals(200, get(platform.trainerUri().resolve("/models"), resultsServiceToken));
    }

    @Test
    @Order(3)
    void anAnalystSignsInAtTheProvidersLoginPageSeesTheBatchAndSignsOut() throws Exception {
        WebDriver browser = browser();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            signIn(browser, wait, "ana", ANALYST_PASSWORD);
            assertTrue(browser.findElement(By.id("signed-in-as")).getText().startsWith("ana (analyst)"),
                    browser.findElement(By.id("signed-in-as")).getText());
            // The page's token is for results-service: the trainer refuses it as unauthenticated (401), not as a role
            // it does not admit (403).
            String analystToken = (String) ((JavascriptExecutor) browser)
                    .executeScript("return sessionStorage.getItem('bloodcells.token');");
            assertEquals(401, get(platform.trainerUri().resolve("/models"), analystToken));
            // The batch the uploader sent, read with the analyst's token from the provider.
            // The list is redrawn every 5 s: an element found a moment ago may be gone, so each poll looks again.
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> browser.findElement(By.cssSelector("tr[data-batch='" + BATCH + "'] .progress"))
                            .getText().contains("1/1 processed"));

            browser.findElement(By.id("sign-out")).click();
            // Back on the page, signed out here and at the provider: signing in asks for the password again.
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-provider")));
            assertTrue(!browser.findElement(By.id("signed-in")).isDisplayed(), "signed out on the page");
            browser.findElement(By.id("sign-in-provider")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        } finally {
            browser.quit();
        }
    }

    @Test
    @Order(4)
    void opsReprocessABatchAndResultsServiceReadsTheRegistryWithItsOwnToken() throws Exception {
        platform.awaitTrainer();
        WebDriver browser = browser();
        String opsToken;
        try {
            signIn(browser, new WebDriverWait(browser, Duration.ofSeconds(60)), "olga", OPS_PASSWORD);
            opsToken = (String) ((JavascriptExecutor) browser)
                    .executeScript("return sessionStorage.getItem('bloodcells.token');");
        } finally {
            browser.quit();
        }
        JsonNode models = JSON.readTree(send(HttpRequest.newBuilder(platform.trainerUri().resolve("/models"))
                .header("Authorization", "Bearer " + clientCredentials("results-service", RESULTS_SECRET)).GET()
                .build()).body());
        JsonNode promoted = null;
        for (JsonNode model : models.path("items").isArray() ? models.path("items") : models) {
            if ("PROMOTED".equals(model.path("status").asText())) {
                promoted = model;
            }
        }
        assertTrue(promoted != null, "a promoted version in " + models);
        // ops' token is for results-service only: results-service asks the trainer as itself.
        HttpResponse<String> reprocess = send(HttpRequest.newBuilder(platform.resultsUri().resolve("/batches/" + BATCH
                + "/reprocess?version=" + URLEncoder.encode(promoted.path("version").asText(), StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + opsToken).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(202, reprocess.statusCode(), reprocess.body());
    }

    /** Opens the page, follows its sign-in to Keycloak's login form, and comes back signed in. */
    private static void signIn(WebDriver browser, WebDriverWait wait, String user, String password) {
        browser.get(platform.resultsUri().toString());
        wait.until(ExpectedConditions.elementToBeClickable(By.id("sign-in-provider"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-in")));
        assertTrue(browser.getCurrentUrl().startsWith(platform.resultsUri().toString()), browser.getCurrentUrl());
        assertTrue(!browser.getCurrentUrl().contains("code="), "the code is taken out of the address");
    }

    private static WebDriver browser() {
        assumeTrue(BackgroundInstall.failure().isEmpty(), () -> BackgroundInstall.failure().orElse(""));
        Path chromium = Path.of(System.getenv().getOrDefault("BLOODCELLS_CHROMIUM", "/usr/bin/chromium"));
        Path driver = Path.of(System.getenv().getOrDefault("BLOODCELLS_CHROMEDRIVER", "/usr/bin/chromedriver"));
        assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(driver),
                "no browser: install Debian's chromium and chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** A client's access token from Keycloak by the client credentials grant. */
    private static String clientCredentials(String clientId, String secret) throws Exception {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> answer = send(HttpRequest.newBuilder(keycloak.tokenEndpoint())
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body()).path("access_token").asText();
    }

    private static int get(URI uri, String token) throws Exception {
        return send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build())
                .statusCode();
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = KeycloakJourneyIT.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String secret() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
