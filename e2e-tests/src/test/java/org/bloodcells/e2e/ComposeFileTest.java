package org.bloodcells.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bloodcells.launcher.RepositoryLayout;
import org.bloodcells.testsupport.BackgroundInstall;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml as Debian's docker-compose reads it (no engine needed): it refuses to start without the sign-in
 * provider and the per-service secrets, and gives no service the storage root key or the database's administrator,
 * every service a storage user whose policy file exists, and every API service the provider.
 */
class ComposeFileTest {

    private static final Path COMPOSE = Path.of("/usr/bin/docker-compose");
    private static final Map<String, String> ENVIRONMENT = Map.ofEntries(Map.entry("MINIO_ROOT_USER", "root-user"),
            Map.entry("MINIO_ROOT_PASSWORD", "root-password"), Map.entry("POSTGRES_PASSWORD", "pg"),
            Map.entry("INGEST_STORAGE_SECRET", "s1"), Map.entry("WORKER_STORAGE_SECRET", "s2"),
            Map.entry("RESULTS_STORAGE_SECRET", "s3"), Map.entry("TRAINER_STORAGE_SECRET", "s4"),
            Map.entry("BLOODCELLS_OIDC_URL", "https://idp.example.org/realms/lab"),
            Map.entry("RESULTS_DB_PASSWORD", "d1"), Map.entry("TRAINER_DB_PASSWORD", "d2"),
            Map.entry("KAFKA_ADMIN_PASSWORD", "kafka-admin-pw"), Map.entry("INGEST_KAFKA_PASSWORD", "k1"),
            Map.entry("WORKER_KAFKA_PASSWORD", "k2"), Map.entry("RESULTS_KAFKA_PASSWORD", "k3"),
            Map.entry("TRAINER_KAFKA_PASSWORD", "k4"), Map.entry("OBJECT_STORE_KAFKA_PASSWORD", "k5"),
            Map.entry("PROMOTION_SIGNING_KEY", "private-key"), Map.entry("PROMOTION_PUBLIC_KEY", "public-key"));
    private static final Map<String, String> KAFKA_PASSWORDS = Map.of("ingest-service", "k1", "detect-worker", "k2",
            "results-service", "k3", "trainer", "k4");

    /** The variables compose refuses to start without, for other tests of the same file. */
    static Map<String, String> minimalEnvironment() {
        return ENVIRONMENT;
    }

    private record Run(int exit, String output) {
    }

    private static Run config(Map<String, String> environment) throws Exception {
        Path root = RepositoryLayout.locate().root();
        ProcessBuilder builder = new ProcessBuilder(COMPOSE.toString(), "-f", "docker-compose.yml", "config")
                .directory(root.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> ENVIRONMENT.containsKey(k));
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), output);
    }

    /** Under ./test.sh, waits for its background install (docker-compose is in it); elsewhere needs it installed. */
    private static void needsDockerCompose() throws Exception {
        BackgroundInstall.assumeSucceeded();
        assumeTrue(Files.isExecutable(COMPOSE), "no docker-compose: apt-get install docker-compose");
    }

    @Test
    void everyServiceHasItsOwnStorageUserAndTheApiServicesTheProvider() throws Exception {
        needsDockerCompose();
        Run run = config(ENVIRONMENT);
        assertEquals(0, run.exit(), run.output());
        Map<String, String> services = services(run.output());
        Path policies = RepositoryLayout.locate().root().resolve("deploy/minio-policies");
        for (String service : List.of("ingest-service", "detect-worker", "results-service", "trainer")) {
            String block = services.get(service);
            Matcher key = Pattern.compile("BLOODCELLS_STORAGE_ACCESS_KEY: (\\S+)").matcher(block);
            assertTrue(key.find(), service + " has a storage key");
            assertNotEquals("root-user", key.group(1), service + " must not hold the root key");
            assertTrue(Files.exists(policies.resolve(key.group(1) + ".json")), "a policy for user " + key.group(1));
            assertEquals(!service.equals("detect-worker"),
                    block.contains("QUARKUS_OIDC_AUTH_SERVER_URL: https://idp.example.org/realms/lab"), service);
        }
        assertFalse(run.output().contains("BLOODCELLS_STORAGE_SECRET_KEY: root-password"));
        // The registry's key: only the trainer signs; the readers of promotions hold the public half.
        for (String service : List.of("ingest-service", "detect-worker", "results-service", "trainer")) {
            String block = services.get(service);
            assertEquals(service.equals("trainer"), block.contains("BLOODCELLS_PROMOTION_SIGNING_KEY: private-key"),
                    service);
            assertEquals(!service.equals("ingest-service"), block.contains("BLOODCELLS_PROMOTION_PUBLIC_KEY: public-key"),
                    service);
        }
        // The database: each service its own user, none the administrator the postgres image creates.
        Path init = RepositoryLayout.locate().root().resolve("deploy/postgres-init/10-service-users.sh");
        String users = Files.readString(init);
        for (String service : List.of("results-service", "trainer")) {
            Matcher user = Pattern.compile("QUARKUS_DATASOURCE_USERNAME: (\\S+)").matcher(services.get(service));
            assertTrue(user.find(), service + " has a database user");
            assertNotEquals("bloodcells", user.group(1), service + " must not be the database's administrator");
            assertTrue(users.contains("CREATE ROLE " + user.group(1) + " LOGIN"), "deploy/postgres-init creates "
                    + user.group(1));
        }
    }

    /**
     * The broker authenticates and authorizes (SASL/SCRAM, the KRaft authorizer, no ACL no access); each service signs
     * in as its own Kafka user, none as the administrator; the kafka-access step provisions them with the script
     * TopicAccessDocumentationTest holds to README's table, before any service starts.
     */
    @Test
    void eachServiceSignsInToKafkaAsItsOwnUser() throws Exception {
        needsDockerCompose();
        Run run = config(ENVIRONMENT);
        assertEquals(0, run.exit(), run.output());
        Map<String, String> services = services(run.output());
        String kafka = services.get("kafka");
        assertTrue(kafka.contains("KAFKA_AUTHORIZER_CLASS_NAME: org.apache.kafka.metadata.authorizer.StandardAuthorizer"),
                kafka);
        assertTrue(kafka.contains("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND: 'false'")
                || kafka.contains("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND: \"false\""), kafka);
        assertTrue(kafka.contains("KAFKA_SUPER_USERS: User:admin"), kafka);
        assertFalse(kafka.matches("(?s).*[ ,:]PLAINTEXT://.*"), "no listener without authentication: " + kafka);
        String access = services.get("kafka-access");
        assertTrue(access.contains("helm/bloodcells/files/kafka-access.sh:/kafka-access.sh:ro"), access);
        for (var user : KAFKA_PASSWORDS.entrySet()) {
            String block = services.get(user.getKey()).replaceAll("\\s+", " ");
            assertTrue(block.contains("KAFKA_SECURITY_PROTOCOL: SASL_PLAINTEXT"), block);
            assertTrue(block.contains("KAFKA_SASL_MECHANISM: SCRAM-SHA-512"), block);
            assertTrue(block.contains("ScramLoginModule required username=\"" + user.getKey() + "\" password=\""
                    + user.getValue() + "\";"), user.getKey() + " signs in as itself: " + block);
            assertFalse(block.contains("kafka-admin-pw"), user.getKey() + " must not hold the administrator's password");
            assertTrue(block.contains("kafka-access: condition: service_completed_successfully"),
                    user.getKey() + " starts once the users and ACLs exist: " + block);
        }
    }

    @Test
    void withoutTheSignInProviderComposeRefusesToStart() throws Exception {
        needsDockerCompose();
        Map<String, String> without = new LinkedHashMap<>(ENVIRONMENT);
        without.remove("BLOODCELLS_OIDC_URL");
        Run run = config(without);
        assertNotEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("BLOODCELLS_OIDC_URL"), run.output());
    }

    /** Each service's block of the rendered file, by name. */
    private static Map<String, String> services(String rendered) {
        Map<String, String> blocks = new LinkedHashMap<>();
        String body = rendered.substring(rendered.indexOf("\nservices:\n") + 11);
        Matcher name = Pattern.compile("(?m)^  ([a-z-]+):\\n").matcher(body);
        List<int[]> starts = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>();
        while (name.find()) {
            starts.add(new int[] { name.start(), name.end() });
            names.add(name.group(1));
        }
        for (int i = 0; i < names.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : body.length();
            blocks.put(names.get(i), body.substring(starts.get(i)[1], end));
        }
        return blocks;
    }
}
