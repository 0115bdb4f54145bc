package org.bloodcells.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.bloodcells.events.TopicAccess;
import org.bloodcells.events.Topics;
import org.bloodcells.launcher.RepositoryLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README's least-privilege table is what a cluster's operators turn into Kafka ACLs, so its topics per service are
 * those the code reads, writes and creates: a topic missing there is an ACL the service lacks in production, one too
 * many a right nobody needs. The code's side comes from the services' channels ({@code mp.messaging.incoming|outgoing}
 * in application.properties, named after their topics), the records that name their own topic
 * ({@code withTopic(Topics.X)}) and the plain Kafka clients (a consumer's {@code partitionsFor} or {@code subscribe},
 * an admin's {@code new NewTopic}). The brokers' ACLs come from {@link TopicAccess}, which must say the same, and so
 * must the script that compose and Helm provision a cluster's brokers with.
 */
class TopicAccessDocumentationTest {

    private static final List<String> SERVICES = List.of("ingest-service", "detect-worker", "results-service",
            "trainer");
    private static final Pattern CHANNEL = Pattern.compile("^mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.(.+)$");
    /** A group every incoming channel of the service takes unless it names its own. */
    private static final String CONNECTOR_GROUP = "mp.messaging.connector.smallrye-kafka.group.id";
    private static final Pattern OWN_TOPIC = Pattern.compile("withTopic\\(Topics\\.([A-Z_]+)\\)");
    private static final Pattern CONSUMED = Pattern.compile("(?:partitionsFor|subscribe)\\([^)]*Topics\\.([A-Z_]+)");
    private static final Pattern CREATED = Pattern.compile("new NewTopic\\(Topics\\.([A-Z_]+)");
    private static final Pattern GROUP = Pattern.compile("\\(group `([^`]+)`\\)");
    private static final Pattern LITERAL = Pattern.compile("`([^`]+)`");
    private static final String KAFKA_ACCESS_SCRIPT = "helm/bloodcells/files/kafka-access.sh";

    private static Path root;
    /** README's table: service, then verb (read, write, create), then topics. */
    private static Map<String, Map<String, Set<String>>> documented;
    private static Map<String, Set<String>> documentedGroups;

    @BeforeAll
    static void readTheTable() throws IOException {
        root = RepositoryLayout.locate().root();
        String section = Readme.section("### Credentials, TLS and least privilege");
        documented = new TreeMap<>();
        documentedGroups = new TreeMap<>();
        for (String line : section.lines().filter(l -> l.startsWith("| ")).toList()) {
            String[] cells = line.split("\\|");
            String service = cells[1].trim();
            if (!SERVICES.contains(service)) {
                continue;
            }
            String kafka = cells[4];
            Set<String> groups = new TreeSet<>();
            Matcher group = GROUP.matcher(kafka);
            while (group.find()) {
                groups.add(group.group(1));
            }
            documentedGroups.put(service, groups);
            Map<String, Set<String>> byVerb = new TreeMap<>();
            for (String clause : GROUP.matcher(kafka).replaceAll("").split(";")) {
                String verb = clause.trim().split("\\s+")[0];
                Matcher topic = LITERAL.matcher(clause);
                while (topic.find()) {
                    byVerb.computeIfAbsent(verb, v -> new TreeSet<>()).add(topic.group(1));
                }
            }
            documented.put(service, byVerb);
        }
        assertEquals(new TreeSet<>(SERVICES), documented.keySet(), "README's least-privilege table has a row each");
    }

    @Test
    void readmesTopicsPerServiceAreThoseItsCodeReadsWritesAndCreates() throws IOException {
        Map<String, Map<String, Set<String>>> used = new TreeMap<>();
        for (String service : SERVICES) {
            used.put(service, topicsUsedBy(service));
        }
        assertEquals(used, documented, "README's least-privilege table (Kafka column) against the code");
    }

    @Test
    void readmesConsumerGroupsAreTheServicesGroups() throws IOException {
        for (String service : SERVICES) {
            Properties properties = applicationProperties(service);
            Set<String> groups = new TreeSet<>();
            for (String key : properties.stringPropertyNames()) {
                Matcher channel = CHANNEL.matcher(key);
                if (channel.matches() && channel.group(1).equals("incoming")) {
                    String group = properties.getProperty("mp.messaging.incoming." + channel.group(2) + ".group.id",
                            properties.getProperty(CONNECTOR_GROUP));
                    if (group != null) {
                        groups.add(group);
                    }
                }
            }
            assertEquals(groups, documentedGroups.get(service), service);
        }
    }

    /** The brokers' ACLs (the local broker's, made from TopicAccess) are README's table, topics and groups alike. */
    @Test
    void theBrokersAclsAreReadmesTable() {
        Map<String, Map<String, Set<String>>> acls = new TreeMap<>();
        Map<String, Set<String>> groups = new TreeMap<>();
        for (TopicAccess access : TopicAccess.SERVICES) {
            Map<String, Set<String>> byVerb = new TreeMap<>();
            Map.of("read", access.reads(), "write", access.writes(), "create", access.creates()).forEach(
                    (verb, topics) -> {
                        if (!topics.isEmpty()) {
                            byVerb.put(verb, new TreeSet<>(topics));
                        }
                    });
            acls.put(access.user(), byVerb);
            groups.put(access.user(), new TreeSet<>(access.groups()));
        }
        assertEquals(documented, acls, "TopicAccess (the brokers' ACLs) against README's least-privilege table");
        assertEquals(documentedGroups, groups, "TopicAccess's consumer groups against README's table");
    }

    /**
     * docker-compose and the Helm chart provision the brokers with helm/bloodcells/files/kafka-access.sh: its users
     * and ACLs are TopicAccess's, one line each, and nothing else.
     */
    @Test
    void theProvisioningScriptGrantsWhatTopicAccessSays() throws IOException {
        String script = Files.readString(root.resolve(KAFKA_ACCESS_SCRIPT));
        Set<String> granted = new TreeSet<>();
        Set<String> users = new TreeSet<>();
        for (String line : script.lines().map(String::trim).toList()) {
            if (line.startsWith("allow ")) {
                granted.add(line);
            } else if (line.startsWith("user ")) {
                users.add(line.split("\\s+")[1]);
            }
        }
        Set<String> expected = new TreeSet<>();
        for (TopicAccess access : TopicAccess.ALL) {
            access.reads().forEach(topic -> expected.add("allow " + access.user() + " Read topic " + topic));
            access.writes().forEach(topic -> expected.add("allow " + access.user() + " Write topic " + topic));
            access.creates().forEach(topic -> expected.add("allow " + access.user() + " Create topic " + topic));
            access.groups().forEach(group -> expected.add("allow " + access.user() + " Read group " + group));
        }
        assertEquals(expected, granted, KAFKA_ACCESS_SCRIPT + "'s ACLs against TopicAccess");
        assertEquals(new TreeSet<>(TopicAccess.ALL.stream().map(TopicAccess::user).toList()), users,
                KAFKA_ACCESS_SCRIPT + "'s users against TopicAccess");
        for (String topic : topicNames()) {
            assertTrue(script.contains("\ntopic " + topic + " "), KAFKA_ACCESS_SCRIPT + " creates " + topic);
        }
    }

    private static Map<String, Set<String>> topicsUsedBy(String service) throws IOException {
        Set<String> topics = topicNames();
        Map<String, Set<String>> byVerb = new TreeMap<>();
        List<String> recordNamed = new ArrayList<>();
        for (String key : applicationProperties(service).stringPropertyNames()) {
            Matcher channel = CHANNEL.matcher(key);
            if (!channel.matches()) {
                continue;
            }
            String verb = channel.group(1).equals("incoming") ? "read" : "write";
            if (topics.contains(channel.group(2))) {
                byVerb.computeIfAbsent(verb, v -> new TreeSet<>()).add(channel.group(2));
            } else if (verb.equals("read")) {
                throw new AssertionError(service + " reads channel " + channel.group(2) + ", which is no topic of "
                        + "Topics");
            } else {
                recordNamed.add(channel.group(2));
            }
        }
        String sources = sources(service);
        add(byVerb, "write", OWN_TOPIC, sources);
        add(byVerb, "read", CONSUMED, sources);
        add(byVerb, "create", CREATED, sources);
        assertTrue(recordNamed.isEmpty() || OWN_TOPIC.matcher(sources).find(), service + "'s channels " + recordNamed
                + " are no topics, yet no record names its own topic");
        return byVerb;
    }

    private static void add(Map<String, Set<String>> byVerb, String verb, Pattern use, String sources) {
        Matcher m = use.matcher(sources);
        while (m.find()) {
            byVerb.computeIfAbsent(verb, v -> new TreeSet<>()).add(topic(m.group(1)));
        }
    }

    private static String topic(String constant) {
        try {
            return (String) Topics.class.getField(constant).get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Topics has no topic " + constant, e);
        }
    }

    private static Set<String> topicNames() {
        Set<String> names = new TreeSet<>();
        for (Field field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                names.add(topic(field.getName()));
            }
        }
        return names;
    }

    private static Properties applicationProperties(String service) throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(root.resolve(service).resolve(
                "src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    private static String sources(String service) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(root.resolve(service).resolve("src/main/java"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                try {
                    all.append(Files.readString(f)).append('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return all.toString();
    }
}
