package org.bloodcells.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.SaslConfigs;
import org.bloodcells.events.TopicAccess;
import org.bloodcells.infra.LocalIdentity;
import org.bloodcells.infra.LocalInfrastructure;

/**
 * One {@link LocalInfrastructure} per JVM, however many class loaders load this class.
 *
 * <p>Quarkus loads a test resource in a new class loader for every application it starts (one
 * per test profile, for example), so a plain static field would start a second set of servers.
 * The system class loader is the one every test class loader shares; in a surefire fork it holds
 * the whole test classpath. The instance lives there, and only JDK types cross the boundary.
 */
final class SharedInfrastructure {

    /** Prefix of the per-service Kafka logins the test applications choose theirs from (no config mapping's root). */
    private static final String KAFKA_LOGIN = "local-infra.kafka-login";

    private static LocalInfrastructure instance;

    private SharedInfrastructure() {
    }

    /** The properties of the JVM's shared servers, starting them on first use. */
    @SuppressWarnings("unchecked")
    static Map<String, String> jvmWideProperties() {
        return (Map<String, String>) onTheSystemLoader("properties", new Class<?>[0]);
    }

    /**
     * A token signed by the shared servers' identity (see {@link LocalIdentity#issue}), so that a test
     * signs in to the application its test resource configured.
     */
    static String jvmWideToken(String subject, List<String> roles, List<String> audience, Map<String, String> claims,
            long lifetimeSeconds) {
        return (String) onTheSystemLoader("token",
                new Class<?>[] { String.class, List.class, List.class, Map.class, long.class }, subject, roles,
                audience, claims, lifetimeSeconds);
    }

    /** What a Kafka client needs to connect to the shared broker as {@code user} (see {@link TestKafka}). */
    @SuppressWarnings("unchecked")
    static Map<String, String> jvmWideKafkaClient(String user) {
        return (Map<String, String>) onTheSystemLoader("kafkaClient", new Class<?>[] { String.class }, user);
    }

    /** The promotion key settings the application maps (see {@link org.bloodcells.infra.PromotionKeys#propertiesFor}). */
    @SuppressWarnings("unchecked")
    static Map<String, String> jvmWidePromotionProperties(String application) {
        return (Map<String, String>) onTheSystemLoader("promotionProperties", new Class<?>[] { String.class },
                application);
    }

    private static Object onTheSystemLoader(String name, Class<?>[] types, Object... arguments) {
        Class<?> jvmWide;
        try {
            jvmWide = Class.forName(SharedInfrastructure.class.getName(), true, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException notOnTheSystemClassPath) {
            // A runner that keeps test dependencies off the system class path: share per class loader.
            jvmWide = SharedInfrastructure.class;
        }
        try {
            Method method = jvmWide.getDeclaredMethod(name, types);
            // Another loader's copy of this class is another runtime package; its methods need opening.
            method.setAccessible(true);
            return method.invoke(null, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot reach the shared local infrastructure", e);
        }
    }

    private static String token(String subject, List<String> roles, List<String> audience, Map<String, String> claims,
            long lifetimeSeconds) {
        properties();
        return instance.identity().issue(subject, roles, audience, claims,
                java.time.Duration.ofSeconds(lifetimeSeconds));
    }

    private static Map<String, String> kafkaClient(String user) {
        properties();
        return instance.kafka().clientProperties(user);
    }

    private static Map<String, String> promotionProperties(String application) {
        properties();
        return Map.copyOf(instance.promotionKeys().propertiesFor(application));
    }

    private static synchronized Map<String, String> properties() {
        if (instance == null) {
            // Threads started from here (Kafka's admin client, the start and stop workers) inherit
            // the context class loader; a test application's loader would be closed long before them.
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(SharedInfrastructure.class.getClassLoader());
            try {
                instance = LocalInfrastructure.start();
                Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "local-infra-stop"));
                // The services may not create topics (README's least privilege): the harness does, as operators do.
                instance.kafka().createPlatformTopics(1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
        Map<String, String> properties = new HashMap<>(instance.quarkusProperties());
        // Each application connects as its own service's Kafka user, picked by its quarkus.application.name, so a
        // test of a service runs with that service's ACLs, as it does in production.
        properties.put("kafka." + SaslConfigs.SASL_JAAS_CONFIG,
                "${" + KAFKA_LOGIN + ".${quarkus.application.name}}");
        for (TopicAccess service : TopicAccess.SERVICES) {
            properties.put(KAFKA_LOGIN + "." + service.user(),
                    instance.quarkusProperties(service.user()).get("kafka." + SaslConfigs.SASL_JAAS_CONFIG));
        }
        return Map.copyOf(properties);
    }
}
