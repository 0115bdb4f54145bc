package org.bloodcells.uploader;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The scanner's tokens from the identity provider's token endpoint by the OAuth 2.0 client credentials grant
 * (RFC 6749 §4.4; client authentication by HTTP Basic, §2.3.1), kept until shortly before they expire. A plain
 * {@code java.net.http} request: the uploader is a small command-line jar, and the one grant it needs is a form
 * post; an OIDC client library (quarkus-oidc-client) needs a Quarkus application around it.
 */
final class ClientCredentials implements IngestClient.TokenSource {

    /** A token is renewed this long before it expires (or at half its lifetime, if that is shorter). */
    static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI tokenEndpoint;
    private final String clientId;
    private final Path secretFile;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String token;
    private Instant renewAt = Instant.MIN;

    /** @param secretFile the client's secret, read at each renewal so that a rotated secret is used */
    ClientCredentials(URI tokenEndpoint, String clientId, Path secretFile, Duration timeout, Clock clock) {
        this.tokenEndpoint = tokenEndpoint;
        this.clientId = clientId;
        this.secretFile = secretFile;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public synchronized String token() throws IOException {
        Instant now = clock.instant();
        if (token == null || !now.isBefore(renewAt)) {
            JsonNode answer = requestToken();
            token = answer.path("access_token").asText("");
            if (token.isEmpty()) {
                throw new IOException("the token endpoint " + tokenEndpoint + " answered without an access_token");
            }
            renewAt = now.plus(renewal(Duration.ofSeconds(answer.path("expires_in").asLong(60))));
        }
        return token;
    }

    /** How long a token is used: its lifetime less {@link #RENEW_BEFORE_EXPIRY}, or half of it for a short one. */
    static Duration renewal(Duration lifetime) {
        Duration early = lifetime.minus(RENEW_BEFORE_EXPIRY);
        Duration half = lifetime.dividedBy(2);
        return early.compareTo(half) < 0 ? half : early;
    }

    private JsonNode requestToken() throws IOException {
        String secret = Files.readString(secretFile).strip();
        String basic = Base64.getEncoder().encodeToString(
                (form(clientId) + ":" + form(secret)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint).timeout(timeout)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + tokenEndpoint + " for a token", e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("the token endpoint " + tokenEndpoint + " refused client " + clientId + ": "
                    + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
