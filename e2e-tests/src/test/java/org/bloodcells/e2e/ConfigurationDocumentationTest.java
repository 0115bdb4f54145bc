package org.bloodcells.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.bloodcells.detect.config.DetectWorkerConfig;
import org.bloodcells.detection.CellDetector;
import org.bloodcells.ingest.config.IngestConfig;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.launcher.RepositoryLayout;
import org.bloodcells.storage.StorageConfig;
import org.bloodcells.results.config.FhirDeliveryConfig;
import org.bloodcells.results.config.PromotionConfig;
import org.bloodcells.results.config.ReviewConfig;
import org.bloodcells.results.config.SignInConfig;
import org.bloodcells.trainer.config.TrainerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every setting has one home, and README's configuration table says what that home says. The services' own
 * {@code bloodcells.*} settings are read from their {@code @ConfigMapping} interfaces: each is a row of the table
 * under its environment variable, with the mapping's {@code @WithDefault} as its default, or no value where the
 * mapping has none. {@code application.properties} sets no such default again; it only fills them per profile.
 */
class ConfigurationDocumentationTest {

    /** Every config mapping of the platform; {@link #noOtherConfigMappingExists()} keeps the list complete. */
    private static final List<Class<?>> MAPPINGS = List.of(StorageConfig.class, IngestConfig.class,
            DetectWorkerConfig.class, TrainerConfig.class, ReviewConfig.class, PromotionConfig.class,
            SignInConfig.class, FhirDeliveryConfig.class);

    /** Rows for settings the services read through Quarkus itself, not through a mapping of ours. */
    private static final Set<String> FRAMEWORK_VARIABLES = Set.of("KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_HTTP_PORT",
            "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD",
            "MP_MESSAGING_INCOMING_IMAGES_UPLOADED_MAX_POLL_RECORDS", "BLOODCELLS_TRAINER_URL",
            "QUARKUS_OIDC_AUTH_SERVER_URL", "QUARKUS_OIDC_PUBLIC_KEY", "QUARKUS_OIDC_ROLES_ROLE_CLAIM_PATH",
            "QUARKUS_OIDC_CLIENT_ID", "QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET");
    private static final List<String> SERVICES = List.of("ingest-service", "detect-worker", "results-service",
            "trainer");

    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z0-9_]+)` \\| ([^|]*) \\|.*$", Pattern.MULTILINE);
    private static final Pattern LITERAL = Pattern.compile("`([^`]*)`");

    private static Path root;
    private static Map<String, String> documented;

    @BeforeAll
    static void readTheTable() throws IOException {
        root = RepositoryLayout.locate().root();
        String section = Readme.section("## Configuration");
        documented = new LinkedHashMap<>();
        Matcher row = ROW.matcher(section);
        while (row.find()) {
            documented.put(row.group(1), row.group(2).trim());
        }
        assertTrue(documented.size() > 10, "README's configuration table has " + documented.keySet());
    }

    /** A setting of a mapping: its property, and its default if it has one. */
    record Setting(String property, Optional<String> defaultValue, boolean optional) {

        String variable() {
            return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        }
    }

    static List<Setting> settings(Class<?> mapping) {
        return settings(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping);
    }

    private static List<Setting> settings(String prefix, Class<?> group) {
        List<Setting> settings = new ArrayList<>();
        for (Method method : group.getMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            String property = prefix + "." + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                    .toLowerCase(Locale.ROOT);
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getName().startsWith("org.bloodcells.")) {
                settings.addAll(settings(property, type));
            } else {
                WithDefault fallback = method.getAnnotation(WithDefault.class);
                settings.add(new Setting(property, Optional.ofNullable(fallback).map(WithDefault::value),
                        type == Optional.class || type == Map.class));
            }
        }
        return settings;
    }

    private static List<Setting> allSettings() {
        return MAPPINGS.stream().flatMap(m -> settings(m).stream()).distinct().toList();
    }

    @Test
    void everySettingIsInReadmesTableWithItsDefault() {
        List<String> wrong = new ArrayList<>();
        for (Setting setting : allSettings()) {
            String cell = documented.get(setting.variable());
            if (cell == null) {
                wrong.add(setting.variable() + " (" + setting.property() + ") is not in the table");
                continue;
            }
            List<String> literals = literals(cell);
            if (setting.defaultValue().isPresent()) {
                if (!literals.equals(List.of(setting.defaultValue().get()))) {
                    wrong.add(setting.variable() + ": README says " + cell + ", the code `"
                            + setting.defaultValue().get() + "`");
                }
            } else if (!literals.isEmpty()) {
                wrong.add(setting.variable() + ": README gives a default (" + cell + ") the code does not have");
            } else if (!setting.optional() && !cell.equals("—")) {
                wrong.add(setting.variable() + ": required, so its default cell is —, not " + cell);
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void everyRowOfTheTableIsASettingTheServicesRead() {
        Set<String> known = allSettings().stream().map(Setting::variable).collect(Collectors.toSet());
        known.addAll(FRAMEWORK_VARIABLES);
        Set<String> unknown = new TreeSet<>(documented.keySet());
        unknown.removeAll(known);
        assertTrue(unknown.isEmpty(), "README documents " + unknown + ", which no service reads");
    }

    /** A framework setting whose default README states has that value in a service's application.properties. */
    @Test
    void theFrameworkDefaultsReadmeStatesAreThoseTheServicesSet() throws IOException {
        Map<String, String> set = new LinkedHashMap<>();
        for (String service : SERVICES) {
            Properties properties = new Properties();
            try (var in = Files.newBufferedReader(root.resolve(service).resolve(
                    "src/main/resources/application.properties"))) {
                properties.load(in);
            }
            properties.stringPropertyNames().stream().filter(k -> !k.startsWith("%")).forEach(k -> set.put(
                    new Setting(k, Optional.empty(), false).variable(), properties.getProperty(k)));
        }
        // The access rules every API service shares have their one home in http-common.
        Properties shared = new Properties();
        try (var in = Files.newBufferedReader(root.resolve(
                "http-common/src/main/resources/META-INF/microprofile-config.properties"))) {
            shared.load(in);
        }
        shared.stringPropertyNames().forEach(k -> set.put(new Setting(k, Optional.empty(), false).variable(),
                shared.getProperty(k)));
        for (String variable : FRAMEWORK_VARIABLES) {
            List<String> stated = literals(documented.get(variable));
            if (!stated.isEmpty()) {
                assertEquals(List.of(set.get(variable)), stated, variable);
            }
        }
    }

    @Test
    void detectorPostProcessingDefaultsToTheModelsOwn() {
        for (Setting setting : settings(DetectWorkerConfig.class)) {
            // the model file's pin is no post-processing: it is the file's, and %prod requires it
            if (setting.optional() && !setting.property().startsWith("bloodcells.worker.")
                    && !setting.property().equals("bloodcells.detector.model-sha256")) {
                assertEquals("the model's", documented.get(setting.variable()), setting.variable());
            }
        }
    }

    /** The upload limits default to the images module's; README names that value. */
    @Test
    void theUploadLimitsReadmeStatesAreThePlatformsLimits() {
        ImageLimits platform = ImageLimits.PLATFORM;
        assertEquals("the platform's " + platform.maxBytes() / (1024 * 1024) + " MiB",
                documented.get("BLOODCELLS_UPLOAD_MAX_IMAGE_SIZE"));
        assertEquals("the platform's " + String.format(Locale.ROOT, "%,d", platform.maxWidth()).replace(',', ' '),
                documented.get("BLOODCELLS_UPLOAD_MAX_WIDTH"));
        assertEquals("the platform's " + String.format(Locale.ROOT, "%,d", platform.maxHeight()).replace(',', ' '),
                documented.get("BLOODCELLS_UPLOAD_MAX_HEIGHT"));
    }

    /** Every variable README documents, for other checks of the deployment files. */
    static Set<String> documentedVariables() throws IOException {
        if (documented == null) {
            readTheTable();
        }
        return documented.keySet();
    }

    @Test
    void readmeSaysWhatTheReleasedModelCarries() throws IOException {
        try (CellDetector released = CellDetector.load(new RepositoryLayout(root).releasedModel(), 1)) {
            String readme = Files.readString(root.resolve("README.md")).replaceAll("\\s+", " ");
            String carried = released.modelSettings().describe();
            assertTrue(readme.contains("The released model carries `" + carried + "`"), carried);
        }
    }

    @Test
    void applicationPropertiesRepeatNoDefaultOfAMapping() throws IOException {
        Pattern unprofiled = Pattern.compile("^(bloodcells\\.[a-z0-9.-]+)\\s*=", Pattern.MULTILINE);
        List<String> repeated = new ArrayList<>();
        for (String service : SERVICES) {
            Path file = root.resolve(service).resolve("src/main/resources/application.properties");
            Matcher m = unprofiled.matcher(Files.readString(file));
            while (m.find()) {
                repeated.add(service + ": " + m.group(1));
            }
        }
        assertTrue(repeated.isEmpty(), "defaults belong in the config mapping, not in application.properties: "
                + repeated);
    }

    @Test
    void noPropertyNamesATopicWhichTopicsSpellsAlone() throws IOException {
        Pattern topic = Pattern.compile("^[^#]*\\.topic\\s*=.*$", Pattern.MULTILINE);
        List<String> spelled = new ArrayList<>();
        for (String service : SERVICES) {
            Matcher m = topic.matcher(Files.readString(root.resolve(service).resolve(
                    "src/main/resources/application.properties")));
            while (m.find()) {
                spelled.add(service + ": " + m.group());
            }
        }
        assertTrue(spelled.isEmpty(), "topic names belong in org.bloodcells.events.Topics: " + spelled);
    }

    @Test
    void noOtherConfigMappingExists() {
        Set<String> listed = MAPPINGS.stream().map(Class::getSimpleName).collect(Collectors.toSet());
        Set<String> found = new TreeSet<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path sources : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(sources)) {
                    files.filter(f -> f.toString().endsWith(".java") && read(f).contains("@ConfigMapping("))
                            .forEach(f -> found.add(f.getFileName().toString().replace(".java", "")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(new TreeSet<>(listed), found, "add a new config mapping to MAPPINGS, and its rows to README");
    }

    private static List<String> literals(String cell) {
        List<String> values = new ArrayList<>();
        Matcher m = LITERAL.matcher(cell);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
