package org.bloodcells.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.bloodcells.http.Audiences;
import org.bloodcells.http.Roles;
import org.bloodcells.infra.LocalIdentity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a scanner, an analyst and ops do over HTTP: upload images, read back images and batches, train, promote and
 * re-process with model versions.
 */
public final class PlatformClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI ingest;
    private final URI results;
    private final URI trainer;
    private final LocalIdentity identity;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /**
     * The people this client signs in as, one per role (a scanner signs in as its own scanner id), with the services
     * their tokens are issued for: an analyst reads results; ops also promote on the trainer; the training pipeline
     * calls the trainer only.
     */
    public enum User {
        ANALYST(Roles.ANALYST, Audiences.RESULTS_SERVICE), OPS(Roles.OPS, Audiences.RESULTS_SERVICE, Audiences.TRAINER),
        TRAINER(Roles.TRAINER, Audiences.TRAINER);

        public final String role;
        private final List<String> audience;

        User(String role, String... audience) {
            this.role = role;
            this.audience = List.of(audience);
        }

        /** The user's name, as tokens carry it and the audit trail records it: {@code local-<role>}. */
        public String username() {
            return "local-" + role;
        }
    }

    /** @param identity signs the tokens of the users above, as the platform's services trust it */
    public PlatformClient(URI ingest, URI results, URI trainer, LocalIdentity identity) {
        this.ingest = ingest;
        this.results = results;
        this.trainer = trainer;
        this.identity = identity;
    }

    /** The user's token, signed by the platform's local identity (made once per client). */
    public String token(User user) {
        return tokens.computeIfAbsent(user.username(), u -> identity.issue(u, List.of(user.role), user.audience));
    }

    /** A scanner's token, allowed to upload as {@code scannerId} only. */
    public String scannerToken(String scannerId) {
        return tokens.computeIfAbsent("scanner:" + scannerId, u -> identity.issueScanner(scannerId));
    }

    private HttpRequest.Builder as(User user, URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token(user));
    }

    /** Where an image came from, as a scanner reports it. */
    public record Origin(String scannerId, String slideId, String batchId) {
    }

    /** A named file to upload. */
    public record Upload(String fileName, byte[] bytes) {
        public static Upload of(Path file) {
            try {
                return new Upload(file.getFileName().toString(), Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Status code and JSON body of an answer. */
    public record Answer(int status, JsonNode body) {
    }

    /** POST /images as multipart/form-data: one part named {@code file} per image. */
    public Answer upload(List<Upload> files, Origin origin) {
        String boundary = "bloodcells-" + UUID.randomUUID();
        List<byte[]> parts = new ArrayList<>();
        field(parts, boundary, "scannerId", origin.scannerId());
        field(parts, boundary, "slideId", origin.slideId());
        field(parts, boundary, "batchId", origin.batchId());
        for (Upload file : files) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + file.fileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            parts.add(file.bytes());
            parts.add("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        parts.add(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(ingest.resolve("/images"))
                .header("Authorization", "Bearer " + scannerToken(origin.scannerId()))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(parts))
                .build();
        return send(request);
    }

    private static void field(List<byte[]> parts, String boundary, String name, String value) {
        parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n"
                + value + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** GET /images/{id} on results-service; empty while the image is unknown there (404). */
    public Optional<JsonNode> image(String imageId) {
        Answer answer = send(as(User.ANALYST, results.resolve("/images/" + encode(imageId))).GET().build());
        return answer.status() == 404 ? Optional.empty() : Optional.of(ok(answer));
    }

    /** GET /batches/{id}: per-class totals and progress. */
    public JsonNode batch(String batchId) {
        return ok(send(as(User.ANALYST, results.resolve("/batches/" + encode(batchId))).GET().build()));
    }

    /** GET /batches/{id}; empty while no image of the batch is known there (404). */
    public Optional<JsonNode> batchIfKnown(String batchId) {
        Answer answer = send(as(User.ANALYST, results.resolve("/batches/" + encode(batchId))).GET().build());
        return answer.status() == 404 ? Optional.empty() : Optional.of(ok(answer));
    }

    /** GET /slides/{id}/counts. */
    public JsonNode slideCounts(String slideId) {
        return ok(send(as(User.ANALYST, results.resolve("/slides/" + encode(slideId) + "/counts")).GET().build()));
    }

    /** GET /images/{id}/cells: the image's cells as reviewed, with its counts. */
    public JsonNode cells(String imageId) {
        return ok(send(as(User.ANALYST, results.resolve("/images/" + encode(imageId) + "/cells")).GET().build()));
    }

    /** POST /images/{id}/cells/edits as the analyst: 201 with the edit and the image's counts. */
    public Answer editCell(String imageId, Object edit) {
        return send(post(as(User.ANALYST, results.resolve("/images/" + encode(imageId) + "/cells/edits")), edit));
    }

    /** POST /images/{id}/cells/confirmation as the analyst: the image's boxes are right. */
    public Answer confirmCells(String imageId) {
        return send(post(as(User.ANALYST, results.resolve("/images/" + encode(imageId) + "/cells/confirmation")),
                Map.of()));
    }

    /** POST /datasets as the analyst: the confirmed and corrected images of a filter, exported for training. */
    public Answer exportDataset(Object request) {
        return send(post(as(User.ANALYST, results.resolve("/datasets")), request));
    }

    /** POST /training-runs on the trainer: 202 with the run. */
    public Answer startTraining(Object request) {
        return send(post(as(User.TRAINER, trainer.resolve("/training-runs")), request));
    }

    /** GET /training-runs/{id}. */
    public JsonNode trainingRun(long id) {
        return ok(send(as(User.TRAINER, trainer.resolve("/training-runs/" + id)).GET().build()));
    }

    /** GET /models: the registry. */
    public JsonNode models() {
        return ok(send(as(User.OPS, trainer.resolve("/models")).GET().build()));
    }

    /** POST /models/{name}/{version}/promote; 409 when the gate refuses. */
    public Answer promote(String name, String version, Object request) {
        return send(post(as(User.OPS, trainer.resolve("/models/" + encode(name) + "/" + encode(version) + "/promote")),
                request));
    }

    /** POST /batches/{id}/reprocess?version= on results-service: 202. */
    public Answer reprocess(String batchId, String version) {
        return send(as(User.OPS, results.resolve("/batches/" + encode(batchId) + "/reprocess?version="
                + encode(version))).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** GET /batches/{id}/compare?from=&to=. */
    public JsonNode compare(String batchId, String from, String to) {
        return ok(send(as(User.ANALYST, results.resolve("/batches/" + encode(batchId) + "/compare?from="
                + encode(from) + "&to=" + encode(to))).GET().build()));
    }

    /** GET /images?batch={id}&format=csv: every image of the batch with its status and counts, as analysts export it. */
    public String imagesCsv(String batchId) {
        return ok(send(as(User.ANALYST, results.resolve("/images?format=csv&batch=" + encode(batchId)))
                .header("Accept", "text/csv").GET().build())).asText();
    }

    /** DELETE /images/{id} on results-service, as ops: 200 with what was removed. */
    public Answer delete(String imageId) {
        return send(as(User.OPS, results.resolve("/images/" + encode(imageId))).DELETE().build());
    }

    /** GET /audit?{query} on results-service, as ops. */
    public JsonNode audit(String query) {
        return ok(send(as(User.OPS, results.resolve("/audit?" + query)).GET().build()));
    }

    private static HttpRequest post(HttpRequest.Builder request, Object body) {
        try {
            return request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode ok(Answer answer) {
        if (answer.status() / 100 != 2) {
            throw new IllegalStateException("HTTP " + answer.status() + ": " + answer.body());
        }
        return answer.body();
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = response.body();
            return new Answer(response.statusCode(), parse(body));
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
