package org.bloodcells.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.restassured.specification.MultiPartSpecification;

/**
 * Signs a module's REST tests in with a real token, so that tests about something else need not each carry one:
 * every RestAssured request without an {@code Authorization} header gets the token of the user named in the
 * module's {@code bloodcells-test-sign-in.properties} (test resources), signed by the local identity the test
 * resource pointed the application at. With {@code scanner-from-request=true} a request naming a scannerId (query or
 * multipart field) is sent with that scanner's token instead, as a scanner would. A module without the file is left
 * alone. Which role may do what is pinned by the access tests, which set their own header (or none).
 *
 * <p>Registered through {@code META-INF/services}; Quarkus runs it in the test's class loader, where the test's
 * RestAssured lives.
 */
public class SignedInByDefault implements QuarkusTestBeforeEachCallback {

    static final String SETTINGS = "bloodcells-test-sign-in.properties";

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Properties settings = settings(loader);
        if (settings == null) {
            return;
        }
        boolean installed = RestAssured.filters().stream().anyMatch(f -> f instanceof DefaultToken);
        if (!installed) {
            RestAssured.filters(new DefaultToken(settings.getProperty("user", "test-user"),
                    settings.getProperty("roles", "").split(","),
                    Boolean.parseBoolean(settings.getProperty("scanner-from-request", "false"))));
        }
    }

    private static Properties settings(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(SETTINGS)) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class DefaultToken implements Filter {

        private final String user;
        private final String[] roles;
        private final boolean scannerFromRequest;
        private final Map<String, String> tokens = new ConcurrentHashMap<>();

        DefaultToken(String user, String[] roles, boolean scannerFromRequest) {
            this.user = user;
            this.roles = Arrays.stream(roles).map(String::trim).filter(r -> !r.isEmpty()).toArray(String[]::new);
            this.scannerFromRequest = scannerFromRequest;
        }

        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                FilterContext context) {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                // A request naming no scanner goes as the module's default user, a scanner itself in that case.
                String scanner = scannerFromRequest ? java.util.Objects.requireNonNullElse(scannerOf(request), user)
                        : null;
                String token = scanner != null
                        ? tokens.computeIfAbsent("scanner:" + scanner, k -> TestTokens.scanner(scanner))
                        : tokens.computeIfAbsent("user", k -> TestTokens.of(user, roles));
                request.header("Authorization", "Bearer " + token);
            }
            return context.next(request, response);
        }

        private static String scannerOf(FilterableRequestSpecification request) {
            Object query = request.getQueryParams().get("scannerId");
            if (query instanceof String named && !named.isBlank()) {
                return named;
            }
            for (MultiPartSpecification part : request.getMultiPartParams()) {
                if ("scannerId".equals(part.getControlName()) && part.getContent() instanceof String named
                        && !named.isBlank()) {
                    return named;
                }
            }
            return null;
        }
    }
}
