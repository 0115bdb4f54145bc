package org.bloodcells.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Points a {@code @QuarkusTest} at real Kafka, PostgreSQL and S3 servers, started once per test
 * JVM and shared by every test class in it (see {@link SharedInfrastructure}).
 *
 * <p>{@link #stop()} leaves them running and a shutdown hook stops them: Quarkus stops and
 * restarts test resources whenever the next test class needs another set of them or another test
 * profile, and restarting the servers each time would cost seconds and gain nothing, since tests
 * must not depend on each other's data anyway.
 *
 * <p>Quarkus builds the application before it starts test resources, so the
 * {@code quarkus.devservices.enabled=false} returned here comes too late for the build: services
 * must also set it in their {@code application.properties}.
 */
public class LocalInfrastructureTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> properties = new HashMap<>(SharedInfrastructure.jvmWideProperties());
        properties.putAll(SharedInfrastructure.jvmWidePromotionProperties(applicationName()));
        properties.put("quarkus.devservices.enabled", "false");
        return properties;
    }

    /**
     * The registry's signing key of this JVM's servers (Base64 PKCS#8), for a test that promotes a version as the
     * trainer does; the trainer's own tests get it in their configuration.
     */
    public static String promotionSigningKey() {
        return SharedInfrastructure.jvmWidePromotionProperties("trainer").get("bloodcells.promotion.signing-key");
    }

    /** The registry's public key of this JVM's servers (Base64 X.509), as the readers of promotions hold it. */
    public static String promotionPublicKey() {
        return SharedInfrastructure.jvmWidePromotionProperties("trainer").get("bloodcells.promotion.public-key");
    }

    /** The application under test: {@code quarkus.application.name} of the application.properties on the class path. */
    private static String applicationName() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = (loader != null ? loader : LocalInfrastructureTestResource.class.getClassLoader())
                .getResourceAsStream("application.properties")) {
            if (in == null) {
                return "";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("quarkus.application.name", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // Deliberately empty: see the class comment.
    }
}
