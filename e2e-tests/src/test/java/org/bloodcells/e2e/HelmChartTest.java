package org.bloodcells.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bloodcells.events.Topics;
import org.bloodcells.launcher.RepositoryLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

/**
 * The Helm chart lints, and every environment variable a service's %prod profile requires
 * (a {@code ${NAME}} without default) is set by the chart: from the service's ConfigMap, or
 * from the credentials Secret the chart expects ops to create.
 */
class HelmChartTest {

    /** The keys values.yaml documents for the credentials Secret and the registry's promotion key Secret. */
    private static final Set<String> SECRET_KEYS = Set.of("BLOODCELLS_STORAGE_ACCESS_KEY",
            "BLOODCELLS_STORAGE_SECRET_KEY", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD",
            "BLOODCELLS_PROMOTION_SIGNING_KEY");
    private static final Pattern REQUIRED_ENV = Pattern.compile("^%prod\\.[^=]+=\\$\\{([A-Z0-9_]+)}\\s*$",
            Pattern.MULTILINE);

    private static Path root;
    private static List<String> documents;

    @BeforeAll
    static void render() {
        root = RepositoryLayout.locate().root();
        String rendered = new Helm(root.resolve("helm/bloodcells")).template().withName("bloodcells").call();
        documents = Arrays.asList(rendered.split("(?m)^---\\s*$"));
    }

    @Test
    void chartPassesHelmLint() {
        LintResult lint = new Helm(root.resolve("helm/bloodcells")).lint().strict().call();
        assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));
    }

    @Test
    void everyServiceGetsEachVariableItsProductionProfileRequires() throws Exception {
        for (String service : List.of("ingest-service", "detect-worker", "results-service", "trainer")) {
            String properties = Files.readString(root.resolve(service).resolve("src/main/resources/application.properties"));
            String configMap = document("kind: ConfigMap", "name: " + service + "-config");
            String deployment = document("kind: Deployment", "name: " + service);
            assertTrue(deployment.contains("name: " + service + "-config"), service + " reads its ConfigMap");
            assertTrue(deployment.contains("secretRef"), service + " reads the credentials Secret");
            List<String> missing = new ArrayList<>();
            Matcher m = REQUIRED_ENV.matcher(properties);
            while (m.find()) {
                String name = m.group(1);
                if (!SECRET_KEYS.contains(name) && !configMap.contains("\n  " + name + ":")) {
                    missing.add(name);
                }
            }
            assertTrue(missing.isEmpty(), service + " requires " + missing + " which the chart does not set");
        }
    }

    @Test
    void everyVariableTheChartSetsIsOneReadmeDocuments() throws Exception {
        Pattern entry = Pattern.compile("^  ([A-Z][A-Z0-9_]*):", Pattern.MULTILINE);
        Set<String> documented = ConfigurationDocumentationTest.documentedVariables();
        List<String> unknown = new ArrayList<>();
        List<String> withGpuWorkers = renderWith(Map.of("services.detect-worker.gpu.enabled", "true"));
        for (String configMap : withGpuWorkers.stream().filter(d -> d.contains("kind: ConfigMap")).toList()) {
            Matcher m = entry.matcher(configMap);
            while (m.find()) {
                if (!documented.contains(m.group(1))) {
                    unknown.add(m.group(1));
                }
            }
        }
        unknown.addAll(SECRET_KEYS.stream().filter(k -> !documented.contains(k)).toList());
        assertTrue(unknown.isEmpty(), "the chart sets " + unknown + ", which README's configuration table lacks");
    }

    private static List<String> renderWith(Map<String, Object> values) {
        TemplateCommand template = new Helm(root.resolve("helm/bloodcells")).template().withName("bloodcells");
        values.forEach(template::set);
        return Arrays.asList(template.call().split("(?m)^---\\s*$"));
    }

    private static String documentIn(List<String> rendered, String... mustContain) {
        return rendered.stream().filter(d -> Arrays.stream(mustContain).allMatch(d::contains)).findFirst()
                .orElseThrow(() -> new AssertionError("no rendered document with " + Arrays.toString(mustContain)));
    }

    private static Properties workerProperties() throws Exception {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(root.resolve("detect-worker/src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    /** The API services verify the hospital's tokens; the worker, which serves no API, is not given the provider. */
    @Test
    void theApiServicesSignInAgainstTheHospitalsProvider() {
        List<String> rendered = renderWith(Map.of("oidc.authServerUrl", "https://idp.example.org/realms/lab",
                "oidc.rolesClaim", "realm_access/roles"));
        for (String service : List.of("ingest-service", "results-service", "trainer")) {
            String config = documentIn(rendered, "kind: ConfigMap", "name: " + service + "-config");
            assertTrue(config.contains("QUARKUS_OIDC_AUTH_SERVER_URL: \"https://idp.example.org/realms/lab\""), config);
            assertTrue(config.contains("QUARKUS_OIDC_ROLES_ROLE_CLAIM_PATH: \"realm_access/roles\""), config);
        }
        assertFalse(documentIn(rendered, "kind: ConfigMap", "name: detect-worker-config").contains("QUARKUS_OIDC"));
        assertThrows(RuntimeException.class, () -> renderWith(Map.of("oidc.authServerUrl", "")),
                "no provider, no chart: the services would refuse every token");
    }

    /** Only the trainer reads the registry's signing key; the readers of promotions get the public half. */
    @Test
    void onlyTheTrainerHoldsThePromotionSigningKey() {
        List<String> rendered = renderWith(Map.of("promotion.publicKey", "the-public-key",
                "promotion.signingKeySecret", "registry-key"));
        for (String service : List.of("ingest-service", "detect-worker", "results-service", "trainer")) {
            assertEquals(service.equals("trainer"), documentIn(rendered, "kind: Deployment", "name: " + service)
                    .contains("name: registry-key"), service);
            assertEquals(!service.equals("ingest-service"), documentIn(rendered, "kind: ConfigMap",
                    "name: " + service + "-config").contains("BLOODCELLS_PROMOTION_PUBLIC_KEY: \"the-public-key\""),
                    service);
        }
        assertThrows(RuntimeException.class, () -> renderWith(Map.of("promotion.publicKey", "")),
                "no public key, no chart: the workers would refuse every promotion");
    }

    /** Each service can hold its own credentials (least privilege); the shared Secret is the fallback. */
    @Test
    void eachServiceCanHaveItsOwnCredentials() {
        List<String> rendered = renderWith(Map.of("services.ingest-service.credentialsSecret", "ingest-credentials"));
        assertTrue(documentIn(rendered, "kind: Deployment", "name: ingest-service").contains("name: ingest-credentials"));
        assertTrue(documentIn(rendered, "kind: Deployment", "name: results-service")
                .contains("name: bloodcells-credentials"));
    }

    /** KEDA watches the lag of the very group and topic the workers consume, and no more replicas than partitions. */
    @Test
    void kedaScalesTheWorkersOnTheLagOfTheirOwnConsumerGroup() throws Exception {
        String prefix = "services.detect-worker.autoscaling.keda.";
        List<String> rendered = renderWith(Map.of(prefix + "enabled", "true", prefix + "maxReplicas", "6",
                prefix + "lagThreshold", "40"));
        String scaled = documentIn(rendered, "kind: ScaledObject", "name: detect-worker");
        String channel = "mp.messaging.incoming." + Topics.IMAGES_UPLOADED + ".";
        assertTrue(scaled.contains("topic: " + Topics.IMAGES_UPLOADED), scaled);
        assertTrue(scaled.contains("consumerGroup: " + workerProperties().getProperty(channel + "group.id")), scaled);
        assertTrue(scaled.contains("type: kafka") && scaled.contains("lagThreshold: \"40\"")
                && scaled.contains("maxReplicaCount: 6") && scaled.contains("name: detect-worker"), scaled);
        String deployment = documentIn(rendered, "kind: Deployment", "name: detect-worker");
        assertFalse(deployment.contains("replicas:"), "KEDA owns the replica count: " + deployment);
        assertTrue(documentIn(documents, "kind: Deployment", "name: detect-worker").contains("replicas: 2"),
                "without KEDA the chart sets it");
    }

    @Test
    void moreReplicasThanPartitionsAreRefused() {
        String prefix = "services.detect-worker.autoscaling.keda.";
        Exception refused = assertThrows(Exception.class, () -> renderWith(Map.of(prefix + "enabled", "true",
                prefix + "maxReplicas", "12", "kafka.imagesUploadedPartitions", "6")));
        assertTrue(refused.getMessage().contains("maxReplicas (12) exceeds kafka.imagesUploadedPartitions (6)"),
                refused.getMessage());
    }

    /**
     * The brokers' topics, Kafka users and ACLs: when asked, a Job runs (a pre-install and pre-upgrade hook) with the script
     * docker-compose runs (files/kafka-access.sh, held to README's table by TopicAccessDocumentationTest), signed in
     * as the administrator from the Secret ops name; never without that Secret.
     */
    @Test
    void theKafkaAccessJobRunsComposesScriptBeforeTheServices() throws Exception {
        assertTrue(documents.stream().noneMatch(d -> d.contains("name: kafka-access")), "off unless asked");
        // helm-java's template leaves hooks out (they are no part of a release's manifest): rendered without them.
        List<String> rendered = renderWith(Map.of("kafkaAccess.enabled", "true", "kafkaAccess.secret", "kafka-admin",
                "kafkaAccess.hooks", ""));
        assertTrue(Files.readString(root.resolve("helm/bloodcells/values.yaml")).contains(
                "  hooks: pre-install,pre-upgrade\n"), "by default the Job runs before the services install or upgrade");
        String script = documentIn(rendered, "kind: ConfigMap", "name: kafka-access-script");
        for (String line : Files.readAllLines(root.resolve("helm/bloodcells/files/kafka-access.sh"))) {
            if (line.startsWith("allow ") || line.startsWith("user ") || line.startsWith("topic ")) {
                assertTrue(script.contains("\n    " + line + "\n"), "the Job's script has " + line);
            }
        }
        String job = documentIn(rendered, "kind: Job", "name: kafka-access");
        assertTrue(job.contains("secretName: kafka-admin") && job.contains("key: admin.properties"), job);
        for (String password : List.of("INGEST_KAFKA_PASSWORD", "WORKER_KAFKA_PASSWORD", "RESULTS_KAFKA_PASSWORD",
                "TRAINER_KAFKA_PASSWORD", "OBJECT_STORE_KAFKA_PASSWORD")) {
            assertTrue(job.contains("- name: " + password) && job.contains("key: " + password), password);
        }
        Exception refused = assertThrows(Exception.class, () -> renderWith(Map.of("kafkaAccess.enabled", "true")));
        assertTrue(refused.getMessage().contains("kafkaAccess.secret"), refused.getMessage());
    }

    /** KEDA's trigger is the worker's consumer group on images-uploaded: no other service may borrow it. */
    @Test
    void onlyTheWorkersScaleOnKafkaLag() {
        Exception refused = assertThrows(Exception.class, () -> renderWith(Map.of(
                "services.results-service.autoscaling.keda.enabled", "true",
                "services.results-service.autoscaling.keda.maxReplicas", "2")));
        assertTrue(refused.getMessage().contains("only detect-worker scales on Kafka lag"), refused.getMessage());
    }

    @Test
    void gpuWorkersAskForAGpuOnGpuNodesAndRunTheGpuBuildAndProfile() {
        List<String> rendered = renderWith(Map.of("services.detect-worker.gpu.enabled", "true"));
        String deployment = documentIn(rendered, "kind: Deployment", "name: detect-worker");
        assertTrue(deployment.contains("nvidia.com/gpu: 1"), deployment);
        assertTrue(deployment.contains("nvidia.com/gpu.present: \"true\""), deployment);
        assertTrue(deployment.contains("key: nvidia.com/gpu"), deployment);
        assertTrue(deployment.contains("bloodcells/detect-worker:0.1.0-gpu"), deployment);
        assertTrue(deployment.contains("memory: 16Gi") && deployment.contains("cpu: \"8\""),
                "the GPU profile's CPUs for its prepare threads: " + deployment);
        String config = documentIn(rendered, "kind: ConfigMap", "name: detect-worker-config");
        assertTrue(config.contains("BLOODCELLS_DETECTOR_EXECUTION_PROVIDER: \"cuda\""), config);
        assertTrue(config.contains("BLOODCELLS_WORKER_PREPARE_THREADS: \"6\""), config);
        assertFalse(documentIn(documents, "kind: Deployment", "name: detect-worker").contains("nvidia.com/gpu"),
                "no GPU unless asked for");
    }

    /** A worker stopped for a drain or a scale-down finishes its batch: it has longer than a batch can take. */
    @Test
    void workersLeaveOneAtATimeAndHaveTimeToFinishTheirBatch() throws Exception {
        String budget = documentIn(documents, "kind: PodDisruptionBudget", "name: detect-worker");
        assertTrue(budget.contains("maxUnavailable: 1"), budget);
        long recordAgeSeconds = Long.parseLong(workerProperties().getProperty("mp.messaging.incoming."
                + Topics.IMAGES_UPLOADED + ".throttled.unprocessed-record-max-age.ms")) / 1000;
        Matcher grace = Pattern.compile("terminationGracePeriodSeconds: (\\d+)")
                .matcher(documentIn(documents, "kind: Deployment", "name: detect-worker"));
        assertTrue(grace.find(), "no termination grace period");
        assertTrue(Long.parseLong(grace.group(1)) > recordAgeSeconds, "grace " + grace.group(1) + " s, a batch may take "
                + recordAgeSeconds + " s");
    }

    @Test
    void workersMountTheModelTheirConfigurationNames() {
        String configMap = document("kind: ConfigMap", "name: detect-worker-config");
        String deployment = document("kind: Deployment", "name: detect-worker");
        assertTrue(configMap.contains("BLOODCELLS_DETECTOR_MODEL_PATH: \"/models/"), configMap);
        assertTrue(deployment.contains("mountPath: /models"), deployment);
    }

    /**
     * A service moved to another port listens there, is probed there and is served there: the chart's one value
     * reaches Quarkus (QUARKUS_HTTP_PORT), the container port, the probes (by the port's name) and the Service.
     */
    @Test
    void aServiceListensIsProbedAndIsServedOnThePortTheChartGivesIt() {
        List<String> rendered = renderWith(Map.of("services.results-service.port", "9093"));
        String config = documentIn(rendered, "kind: ConfigMap", "name: results-service-config");
        assertTrue(config.contains("QUARKUS_HTTP_PORT: \"9093\""), config);

        String deployment = documentIn(rendered, "kind: Deployment", "name: results-service");
        Matcher container = Pattern.compile("- name: (\\S+)\\s+containerPort: (\\d+)").matcher(deployment);
        assertTrue(container.find(), deployment);
        assertEquals("9093", container.group(2));
        Set<String> thePort = Set.of(container.group(1), "9093");
        Matcher probe = Pattern.compile("path: /q/health/(ready|live), port: ([^ }]+)").matcher(deployment);
        int probes = 0;
        while (probe.find()) {
            assertTrue(thePort.contains(probe.group(2)), probe.group(1) + " probe on port " + probe.group(2));
            probes++;
        }
        assertEquals(2, probes, "a readiness and a liveness probe: " + deployment);

        String service = documentIn(rendered, "kind: Service\n", "name: results-service\n");
        Matcher target = Pattern.compile("port: (\\d+)\\s+targetPort: (\\S+)").matcher(service);
        assertTrue(target.find(), service);
        assertEquals("9093", target.group(1));
        assertTrue(thePort.contains(target.group(2)), "the Service sends to " + target.group(2));
        assertTrue(documentIn(rendered, "kind: ConfigMap", "name: ingest-service-config")
                .contains("QUARKUS_HTTP_PORT: \"8081\""), "the other services keep their ports");
    }

    /** The chart's ports are those the services take by themselves, which README and the local run name. */
    @Test
    void theChartsPortsAreTheServicesOwn() {
        for (String service : List.of("ingest-service", "detect-worker", "results-service", "trainer")) {
            String config = document("kind: ConfigMap", "name: " + service + "-config");
            assertTrue(config.contains("QUARKUS_HTTP_PORT: \"" + new RepositoryLayout(root).servicePort(service)
                    + "\""), config);
        }
    }

    @Test
    void thePortIsSetOnlyAsTheServicesPort() {
        Exception refused = assertThrows(Exception.class, () -> renderWith(Map.of(
                "services.trainer.config.QUARKUS_HTTP_PORT", "9000")));
        assertTrue(refused.getMessage().contains("set services.trainer.port"), refused.getMessage());
    }

    private static String document(String... mustContain) {
        return documents.stream()
                .filter(d -> Arrays.stream(mustContain).allMatch(d::contains))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no rendered document with " + Arrays.toString(mustContain)));
    }
}
