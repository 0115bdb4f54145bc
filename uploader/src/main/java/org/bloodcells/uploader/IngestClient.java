package org.bloodcells.uploader;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sends one file to ingest-service as a raw body ({@code POST /images?scannerId=…}), streamed from disk, and retries
 * what may pass later: no connection, a timeout, 429, 500, 502, 503 and 504, waiting as {@link Backoff} says (the
 * server's Retry-After first). A 4xx other than 429 is the file's or the request's fault and is not retried.
 */
public final class IngestClient {

    /** Statuses worth another attempt. */
    static final Set<Integer> RETRYABLE = Set.of(429, 500, 502, 503, 504);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What became of one file. */
    public sealed interface Outcome {
    }

    /** The service holds it durably: stored and announced ({@code created}) or already known (now a member too). */
    public record Acknowledged(String imageId, boolean created) implements Outcome {
    }

    /** The service refused it for good, saying why. */
    public record Refused(int status, String reason) implements Outcome {
    }

    /** Every attempt failed in a way that might pass later; the last failure says how. */
    public record GaveUp(String lastFailure) implements Outcome {
    }

    /** Observes retries (the progress line counts them). */
    public interface RetryListener {
        void retrying(String file, String failure, Duration wait);
    }

    private final HttpClient http;
    private final URI imagesUri;
    private final int attempts;
    private final Backoff backoff;
    private final Duration timeout;
    private final RetryListener listener;

    /** The bearer token for each request; asked again each time, so a token renewed meanwhile is used. */
    public interface TokenSource {
        String token() throws java.io.IOException;
    }

    private final TokenSource tokens;

    public IngestClient(URI baseUri, TokenSource tokens, int attempts, Backoff backoff, Duration timeout,
            RetryListener listener) {
        this.tokens = tokens;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1)
                .build();
        this.imagesUri = baseUri.resolve("/images");
        this.attempts = attempts;
        this.backoff = backoff;
        this.timeout = timeout;
        this.listener = listener;
    }

    /** Sends the file, retrying as needed; interrupted, it stops and says so. */
    public Outcome send(Path file, String displayName, String scanner, String slide, String batch)
            throws InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("scannerId", scanner);
        query.put("slideId", slide);
        query.put("batchId", batch);
        query.put("fileName", file.getFileName().toString());
        URI uri = URI.create(imagesUri + "?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
        String failure = "not tried";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            String retryAfter = null;
            try {
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                        .header("Authorization", "Bearer " + tokens.token())
                        .header("Content-Type", "application/octet-stream")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofFile(file))
                        .build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 200 || status == 201) {
                    JsonNode image = JSON.readTree(response.body()).path("images").path(0);
                    return new Acknowledged(image.path("imageId").asText(), image.path("created").asBoolean());
                }
                failure = status + " " + problem(response.body());
                if (!RETRYABLE.contains(status)) {
                    return new Refused(status, problem(response.body()));
                }
                retryAfter = response.headers().firstValue("Retry-After").orElse(null);
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (attempt < attempts) {
                Duration wait = backoff.delay(attempt, java.util.Optional.ofNullable(retryAfter), Instant.now());
                listener.retrying(displayName, failure, wait);
                Thread.sleep(wait.toMillis());
            }
        }
        return new GaveUp(failure);
    }

    /** A problem body's reason and detail, or the body's start. */
    static String problem(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            StringBuilder text = new StringBuilder();
            JsonNode files = node.path("files");
            if (files.isArray() && !files.isEmpty()) {
                text.append(files.get(0).path("reason").asText()).append(": ").append(files.get(0).path("detail")
                        .asText());
            } else {
                text.append(node.path("detail").asText(node.path("title").asText(body)));
            }
            return text.toString();
        } catch (IOException | RuntimeException e) {
            return body.length() > 200 ? body.substring(0, 200) + "…" : body;
        }
    }
}
