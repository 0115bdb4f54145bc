package org.bloodcells.ingest.uploader;

import static org.bloodcells.ingest.support.TestImages.IMAGE_11;
import static org.bloodcells.ingest.support.TestImages.IMAGE_15;
import static org.bloodcells.ingest.support.TestImages.IMAGE_7;
import static org.bloodcells.ingest.support.TestImages.uniqueVariant;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Topics;
import org.bloodcells.images.ImageFormat;
import org.bloodcells.storage.ObjectKeys;
import org.bloodcells.ingest.support.EventTopic;
import org.bloodcells.ingest.support.TestBucket;
import org.bloodcells.ingest.support.TopicEnds;
import org.bloodcells.storage.StorageConfig;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.bloodcells.testsupport.TestTokens;
import org.bloodcells.uploader.ExitCodes;
import org.bloodcells.uploader.Manifest;
import org.bloodcells.uploader.UploaderCli;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The command-line uploader (its own module) run in-process against this real ingest-service, S3 server and broker. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class UploaderAgainstIngestTest {

    @TestHTTPResource("/")
    URL ingest;

    @Inject
    StorageConfig storage;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    @TempDir
    Path folder;

    /** What one run printed and returned. */
    record Run(int exit, String out) {
    }

    /** Runs the command signed in as scanner-u, with its token in a file as a scanner keeps it. */
    private Run upload(String... args) throws IOException {
        Path token = Files.writeString(Files.createTempFile(folder.getParent(), "scanner-u", ".jwt"),
                TestTokens.scanner("scanner-u"));
        String[] signedIn = java.util.Arrays.copyOf(args, args.length + 2);
        signedIn[args.length] = "--token-file";
        signedIn[args.length + 1] = token.toString();
        return run(signedIn);
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = UploaderCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out + err.toString());
    }

    private Path image(String slide, String name, byte[] bytes) throws IOException {
        Path file = folder.resolve(slide).resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    @Test
    void aFolderOfSlidesIsUploadedOnceAndARunAgainSendsOnlyWhatTheManifestLacks() throws Exception {
        List<byte[]> images = new ArrayList<>();
        for (String name : List.of(IMAGE_7, IMAGE_11, IMAGE_15, IMAGE_7)) {
            images.add(uniqueVariant(name));
        }
        image("slide-u1", "field-1.jpg", images.get(0));
        image("slide-u1", "field-2.jpg", images.get(1));
        image("slide-u2", "field-1.JPG", images.get(2));
        Files.writeString(folder.resolve("slide-u2").resolve("scanner.log"), "not an image");
        TestBucket bucket = new TestBucket(storage.endpoint(), storage.accessKey(), storage.secretKey(),
                storage.bucket());
        EventTopic<ImageUploaded> uploads = EventTopic.uploads(kafkaBootstrapServers, json);
        String url = ingest.toString();

        Run first = upload("upload", folder.toString(), "--scanner", "scanner-u", "--batch", "batch-u1",
                "--url", url, "--no-progress");

        assertEquals(ExitCodes.OK, first.exit(), first.out());
        assertTrue(first.out().contains("3 image file(s)") && first.out().contains("in 2 slide(s)"), first.out());
        assertTrue(first.out().contains("Acknowledged 3 file(s) (3 new, 0 already known)"), first.out());
        for (int i = 0; i < 3; i++) {
            String id = ImageId.of(images.get(i));
            assertArrayEquals(images.get(i), bucket.read(ObjectKeys.image(id, ImageFormat.JPEG)));
            ImageUploaded event = uploads.eventsFor(id).get(0);
            assertEquals(i < 2 ? "slide-u1" : "slide-u2", event.slideId());
            assertEquals("batch-u1", event.batchId());
        }
        assertEquals(3, Files.readAllLines(folder.resolve(Manifest.DEFAULT_NAME)).size());

        image("slide-u2", "field-2.jpg", images.get(3));
        try (TopicEnds topics = new TopicEnds(kafkaBootstrapServers)) {
            long before = topics.records(Topics.IMAGES_UPLOADED);
            Run again = upload("upload", folder.toString(), "--scanner", "scanner-u", "--batch", "batch-u1",
                    "--url", url, "--no-progress");
            assertEquals(ExitCodes.OK, again.exit(), again.out());
            assertTrue(again.out().contains("Acknowledged 1 file(s) (1 new, 0 already known)")
                    && again.out().contains("3 skipped (in the manifest)"), again.out());
            assertEquals(before + 1, topics.records(Topics.IMAGES_UPLOADED), "only the new file was sent");
        }
    }

    @Test
    void aDryRunSendsNothingAndNamesTheFilesTheServiceWouldRefuse() throws Exception {
        image("slide-d", "good.jpg", uniqueVariant(IMAGE_7));
        image("slide-d", "broken.jpg", "not a jpeg".getBytes(StandardCharsets.UTF_8));
        try (TopicEnds topics = new TopicEnds(kafkaBootstrapServers)) {
            long before = topics.records(Topics.IMAGES_UPLOADED);

            Run dry = upload("upload", folder.toString(), "--scanner", "scanner-u", "--batch", "batch-d",
                    "--url", ingest.toString(), "--dry-run");

            assertEquals(ExitCodes.DRY_RUN_FOUND_PROBLEMS, dry.exit(), dry.out());
            assertTrue(dry.out().contains("WOULD BE REFUSED slide-d/broken.jpg: NOT_AN_IMAGE"), dry.out());
            assertEquals(before, topics.records(Topics.IMAGES_UPLOADED));
        }
        Run real = upload("upload", folder.toString(), "--scanner", "scanner-u", "--batch", "batch-d",
                "--url", ingest.toString(), "--no-progress");
        assertEquals(ExitCodes.SOME_REFUSED, real.exit(), real.out());
        assertTrue(real.out().contains("REFUSED slide-d/broken.jpg: 415 NOT_AN_IMAGE"), real.out());
        assertTrue(real.out().contains("Acknowledged 1 file(s)"), real.out());
    }

    @Test
    void withoutAScannersOwnTokenNothingIsSentAndTheExitCodeSaysSo() throws Exception {
        image("slide-t", "a.jpg", uniqueVariant(IMAGE_7));
        image("slide-t", "b.jpg", uniqueVariant(IMAGE_7));
        EventTopic<ImageUploaded> uploads = EventTopic.uploads(kafkaBootstrapServers, json);
        int before = uploads.size();

        Run anonymous = run("upload", folder.toString(), "--scanner", "scanner-u", "--batch", "batch-t",
                "--url", ingest.toString(), "--no-progress", "--token-file", Files.writeString(
                        folder.getParent().resolve("empty.jwt"), "").toString());
        assertEquals(ExitCodes.ACCESS_REFUSED, anonymous.exit(), anonymous.out());
        assertTrue(anonymous.out().contains("ACCESS REFUSED 401"), anonymous.out());

        Path other = Files.writeString(folder.getParent().resolve("scanner-v.jwt"), TestTokens.scanner("scanner-v"));
        Run impostor = run("upload", folder.toString(), "--scanner", "scanner-u", "--batch", "batch-t",
                "--url", ingest.toString(), "--no-progress", "--token-file", other.toString());
        assertEquals(ExitCodes.ACCESS_REFUSED, impostor.exit(), impostor.out());
        assertTrue(impostor.out().contains("ACCESS REFUSED 403") && impostor.out().contains("scanner-v only"),
                impostor.out());
        assertEquals(before, uploads.size(), "nothing announced");
    }

    @Test
    void loosePicturesWithoutASlideAreAUsageErrorAndNothingIsSent() throws Exception {
        Files.write(folder.resolve("loose.jpg"), uniqueVariant(IMAGE_7));
        Run run = upload("upload", folder.toString(), "--scanner", "scanner-u", "--batch", "batch-l",
                "--url", ingest.toString());
        assertEquals(ExitCodes.USAGE, run.exit(), run.out());
        assertTrue(run.out().contains("lie directly in"), run.out());
    }

    /**
     * In front of the real service, a proxy that answers the first two requests 503 with Retry-After: 1 (what ingest
     * answers while Kafka or storage is down) and forwards the rest.
     */
    @Test
    void a503WithRetryAfterIsWaitedOnAndRetriedAndAnUnreachableServiceEndsInExitCode3() throws Exception {
        image("slide-r", "a.jpg", uniqueVariant(IMAGE_11));
        AtomicInteger refused = new AtomicInteger();
        HttpClient forward = HttpClient.newHttpClient();
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (refused.getAndIncrement() < 2) {
                exchange.getResponseHeaders().add("Retry-After", "1");
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            try {
                HttpResponse<byte[]> answer = forward.send(HttpRequest.newBuilder(URI.create(ingest.toString())
                        .resolve(exchange.getRequestURI().toString()))
                        .header("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"))
                        .header("Authorization", exchange.getRequestHeaders().getFirst("Authorization"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(500, -1);
            }
            exchange.close();
        });
        proxy.start();
        try {
            long start = System.nanoTime();
            Run run = upload("upload", folder.toString(), "--scanner", "scanner-u", "--batch", "batch-r",
                    "--url", "http://127.0.0.1:" + proxy.getAddress().getPort(), "--first-backoff", "10ms");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ExitCodes.OK, run.exit(), run.out());
            assertTrue(run.out().contains("2 retries"), run.out());
            assertTrue(millis >= 2000, "two Retry-After: 1 waited, not the 10 ms back-off: " + millis + " ms");
        } finally {
            proxy.stop(0);
        }

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        image("slide-r", "b.jpg", uniqueVariant(IMAGE_15));
        Run unreachable = upload("upload", folder.toString(), "--scanner", "scanner-u", "--batch", "batch-r",
                "--url", "http://127.0.0.1:" + closedPort, "--attempts", "2", "--first-backoff", "10ms",
                "--no-progress");
        assertEquals(ExitCodes.GAVE_UP, unreachable.exit(), unreachable.out());
        assertTrue(unreachable.out().contains("NOT SENT slide-r/b.jpg: ConnectException"), unreachable.out());
        assertTrue(unreachable.out().contains("1 skipped (in the manifest)"), unreachable.out());
    }
}
