package org.bloodcells.testsupport;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.bloodcells.http.Roles;

/**
 * Who may call what, checked on a running service with real tokens: every endpoint (a row) is called by every kind of
 * caller (a column): nobody, an expired token, a token signed by a key the service does not trust, a token signed by
 * the trusted key but issued for another service (its {@code aud}), and each role. A caller whose role the row admits
 * must get the row's status (2xx where the test can set the call up; the row says when it cannot); the others 403,
 * and the first four 401. {@link #assertCovers} fails when a resource has an
 * endpoint no row names, so a new endpoint cannot be added without deciding who may call it.
 */
public final class AccessMatrix {

    /** The columns. */
    public enum Caller {
        NOBODY(null), EXPIRED(null), STRANGER(null), OTHER_AUDIENCE(null), SCANNER(Roles.SCANNER),
        ANALYST(Roles.ANALYST), OPS(Roles.OPS), TRAINER(Roles.TRAINER),
        REGISTRY_READER(Roles.REGISTRY_READER);

        /** The role the caller's token carries; null for the four without a valid one. */
        final String role;

        Caller(String role) {
            this.role = role;
        }

        /** The roles of the callers that have one. */
        static String[] roles() {
            return java.util.Arrays.stream(values()).map(c -> c.role).filter(r -> r != null).toArray(String[]::new);
        }
    }

    /** One endpoint: how to call it, which roles it admits ({@code open}: also nobody), what they get. */
    public record Row(String method, String template, String path, Set<String> roles, boolean open, int allowedStatus,
            String contentType, byte[] body, String note) {
    }

    /** The client id the other-audience column's token is issued for: a service no application under test is. */
    static final String ANOTHER_AUDIENCE = "another-service";

    private final URI base;
    private final List<Row> rows = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<Caller, String> tokens = new EnumMap<>(Caller.class);

    /**
     * @param base      the service's root
     * @param scannerId the scanner the scanner column's token names (uploads must name it)
     */
    public AccessMatrix(URI base, String scannerId) {
        this.base = base;
        tokens.put(Caller.EXPIRED, TestTokens.expired("matrix-expired", Caller.roles()));
        tokens.put(Caller.STRANGER, TestTokens.signedByStranger("matrix-stranger", Caller.roles()));
        tokens.put(Caller.OTHER_AUDIENCE,
                TestTokens.forAnotherAudience(ANOTHER_AUDIENCE, "matrix-other-audience", Caller.roles()));
        tokens.put(Caller.SCANNER, TestTokens.scanner(scannerId));
        for (Caller caller : List.of(Caller.ANALYST, Caller.OPS, Caller.TRAINER, Caller.REGISTRY_READER)) {
            tokens.put(caller, TestTokens.of("matrix-" + caller.role, caller.role));
        }
    }

    /** An endpoint for these roles; {@code path} is the template filled in. */
    public AccessMatrix row(String method, String template, String path, int allowedStatus, String... roles) {
        return row(method, template, path, allowedStatus, null, null, null, roles);
    }

    /** An endpoint taking a body. */
    public AccessMatrix row(String method, String template, String path, int allowedStatus, String contentType,
            byte[] body, String note, String... roles) {
        rows.add(new Row(method, template, path, new LinkedHashSet<>(List.of(roles)), false, allowedStatus,
                contentType, body, note));
        return this;
    }

    /** A path anyone reaches without a token (probes, the web page's own files). */
    public AccessMatrix open(String path) {
        rows.add(new Row("GET", path, path, Set.of(Caller.roles()), true, 200, null, null, null));
        return this;
    }

    /** Fails unless every JAX-RS endpoint of the resources has a row (by method and path template). */
    public void assertCovers(Class<?>... resources) {
        Set<String> declared = new TreeSet<>();
        for (Class<?> resource : resources) {
            String root = pathOf(resource.getAnnotation(jakarta.ws.rs.Path.class));
            for (Method method : resource.getDeclaredMethods()) {
                String verb = verb(method);
                if (verb != null) {
                    declared.add(verb + " " + join(root, pathOf(method.getAnnotation(jakarta.ws.rs.Path.class))));
                }
            }
        }
        Set<String> covered = rows.stream().map(r -> r.method() + " " + r.template()).collect(Collectors.toSet());
        declared.removeAll(covered);
        if (!declared.isEmpty()) {
            throw new AssertionError("endpoints without a row in the access matrix: " + declared);
        }
    }

    /** Calls every row as every caller; returns the mismatches, empty when the matrix holds. */
    public List<String> check() throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        for (Row row : rows) {
            for (Caller caller : Caller.values()) {
                if (!asked(row, caller)) {
                    continue;
                }
                int expected = expected(row, caller);
                int got = call(row, caller);
                if (got != expected) {
                    failures.add(row.method() + " " + row.path() + " as " + caller + ": expected " + expected + ", got "
                            + got);
                }
            }
        }
        return failures;
    }

    /** The matrix as a Markdown table of expected statuses, with each row's note (the tests print it). */
    public String table() {
        StringBuilder out = new StringBuilder("| endpoint |");
        for (Caller caller : Caller.values()) {
            out.append(' ').append(caller.name().toLowerCase(Locale.ROOT)).append(" |");
        }
        out.append(" note |\n|---|").append("---|".repeat(Caller.values().length + 1)).append('\n');
        for (Row row : rows) {
            out.append("| ").append(row.method()).append(' ').append(row.template()).append(" |");
            for (Caller caller : Caller.values()) {
                out.append(' ').append(asked(row, caller) ? Integer.toString(expected(row, caller)) : "–").append(" |");
            }
            out.append(' ').append(row.note() == null ? "" : row.note()).append(" |\n");
        }
        return out.toString();
    }

    /** Whether the caller is asked at all: on an open path a bad token is refused (proactive authentication). */
    private static boolean asked(Row row, Caller caller) {
        return !row.open() || caller.role != null || caller == Caller.NOBODY;
    }

    private static int expected(Row row, Caller caller) {
        if (row.open()) {
            return 200;
        }
        if (caller.role == null) {
            return 401;
        }
        return row.roles().contains(caller.role) ? row.allowedStatus() : 403;
    }

    private int call(Row row, Caller caller) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(row.path())).timeout(Duration.ofSeconds(60));
        String token = tokens.get(caller);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (row.contentType() != null) {
            request.header("Content-Type", row.contentType());
        }
        request.method(row.method(), row.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(row.body()));
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String verb(Method method) {
        for (var annotation : method.getAnnotations()) {
            jakarta.ws.rs.HttpMethod http = annotation.annotationType().getAnnotation(jakarta.ws.rs.HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    private static String pathOf(jakarta.ws.rs.Path path) {
        return path == null ? "" : path.value();
    }

    private static String join(String root, String sub) {
        String joined = ("/" + root + "/" + sub).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }
}
