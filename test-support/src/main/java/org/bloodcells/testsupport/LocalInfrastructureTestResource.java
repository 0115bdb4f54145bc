package org.bloodcells.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

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
        properties.put("quarkus.devservices.enabled", "false");
        return properties;
    }

    @Override
    public void stop() {
        // Deliberately empty: see the class comment.
    }
}
