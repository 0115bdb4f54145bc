package org.bloodcells.infra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;

/**
 * The faults the failure suite injects, each on the real server: a broker stopped and started again keeps its topics
 * and records, users and ACLs on the same address; an S3 server killed refuses connections, then serves its objects again; a
 * restarted PostgreSQL keeps its data.
 */
class RestartTest {

    private final LocalInfrastructure servers = SharedServers.get();

    @Test
    void aStoppedBrokerStartsAgainWithItsRecordsOnTheSameAddress() throws Exception {
        KafkaBroker broker = servers.kafka();
        String topic = "restart-" + UUID.randomUUID();
        broker.createTopics(2, topic);
        broker.createPlatformTopics(1);
        try (var producer = new KafkaProducer<String, String>(KafkaBrokerTest.asAdmin(broker, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "a", "before")).get(30, TimeUnit.SECONDS);
        }
        broker.stop();
        broker.startAgain();
        try (var consumer = new KafkaConsumer<String, String>(KafkaBrokerTest.asAdmin(broker),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            assertEquals(1L, ends.values().stream().mapToLong(Long::longValue).sum(), "the record survived");
        }
        // The users and ACLs live in the metadata log: the restarted broker still tells the services apart.
        KafkaAuthorizationTest.assertWorkerRights(broker);
    }

    @Test
    void aKilledS3ServerRefusesThenServesItsObjectsAgain() throws Exception {
        S3Server s3 = servers.s3();
        MinioClient client = MinioClient.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey())
                .build();
        if (!client.bucketExists(BucketExistsArgs.builder().bucket("restart").build())) {
            client.makeBucket(MakeBucketArgs.builder().bucket("restart").build());
        }
        byte[] bytes = "kept across the restart".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        client.putObject(PutObjectArgs.builder().bucket("restart").object("o").stream(
                new ByteArrayInputStream(bytes), bytes.length, -1).build());
        s3.kill();
        assertFalse(ChildJvm.acceptsConnections(java.net.URI.create(s3.endpoint()).getPort()));
        assertThrows(Exception.class, () -> client.bucketExists(BucketExistsArgs.builder().bucket("restart").build()));
        s3.startAgain();
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("restart").object("o").build())) {
            assertArrayEquals(bytes, in.readAllBytes());
        }
    }

    @Test
    void aRestartedPostgresqlKeepsItsData() throws Exception {
        PostgresServer postgres = servers.postgres();
        String table = "restart_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
                postgres.password()); Statement sql = connection.createStatement()) {
            sql.execute("create table " + table + " (v int)");
            sql.execute("insert into " + table + " values (42)");
        }
        postgres.restart();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
                postgres.password()); Statement sql = connection.createStatement();
                ResultSet rows = sql.executeQuery("select v from " + table)) {
            rows.next();
            assertEquals(42, rows.getInt(1));
        }
    }
}
