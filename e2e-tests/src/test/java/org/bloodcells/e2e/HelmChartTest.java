package org.bloodcells.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bloodcells.launcher.RepositoryLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

/**
 * The Helm chart lints, and every environment variable a service's %prod profile requires
 * (a {@code ${NAME}} without default) is set by the chart: from the service's ConfigMap, or
 * from the credentials Secret the chart expects ops to create.
 */
class HelmChartTest {

    /** The keys values.yaml documents for the credentials Secret. */
    private static final Set<String> SECRET_KEYS = Set.of("BLOODCELLS_STORAGE_ACCESS_KEY",
            "BLOODCELLS_STORAGE_SECRET_KEY", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD");
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
        for (String service : List.of("ingest-service", "detect-worker", "results-service")) {
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
        for (String configMap : documents.stream().filter(d -> d.contains("kind: ConfigMap")).toList()) {
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

    @Test
    void workersMountTheModelTheirConfigurationNames() {
        String configMap = document("kind: ConfigMap", "name: detect-worker-config");
        String deployment = document("kind: Deployment", "name: detect-worker");
        assertTrue(configMap.contains("BLOODCELLS_DETECTOR_MODEL_PATH: \"/models/"), configMap);
        assertTrue(deployment.contains("mountPath: /models"), deployment);
    }

    private static String document(String... mustContain) {
        return documents.stream()
                .filter(d -> Arrays.stream(mustContain).allMatch(d::contains))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no rendered document with " + Arrays.toString(mustContain)));
    }
}
