package org.bloodcells.testsupport;

import java.util.HashMap;
import java.util.Map;

import org.bloodcells.infra.KafkaBroker;

/**
 * Settings for a test's own Kafka clients (producers that forge or feed records, consumers that watch a topic, admin
 * clients) on the broker {@link LocalInfrastructureTestResource} pointed the application at. The broker authenticates
 * everyone (README "Credentials, TLS and least privilege"), so a client without these is refused.
 */
public final class TestKafka {

    private TestKafka() {
    }

    /**
     * The bootstrap servers and the broker administrator's login (a super user: a test may read and write any topic),
     * with {@code keyValues} (key, value, key, value...) added or replacing them.
     */
    public static Map<String, Object> clientConfig(Object... keyValues) {
        return clientConfigAs(KafkaBroker.ADMIN_USER, keyValues);
    }

    /** As {@link #clientConfig}, logged in as a service's Kafka user: with that service's ACLs and no more. */
    public static Map<String, Object> clientConfigAs(String user, Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs");
        }
        Map<String, Object> config = new HashMap<>(SharedInfrastructure.jvmWideKafkaClient(user));
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        return config;
    }
}
