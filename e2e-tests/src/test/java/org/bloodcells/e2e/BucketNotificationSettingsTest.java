package org.bloodcells.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.bloodcells.events.Topics;
import org.bloodcells.launcher.RepositoryLayout;
import org.junit.jupiter.api.Test;

/**
 * The object store's Kafka target and ingest-service's subscription meet: compose's MinIO writes its notifications to
 * the topic ingest reads ({@link Topics#BUCKET_NOTIFICATIONS}), and ingest (compose and Helm) names that target.
 */
class BucketNotificationSettingsTest {

    private static final String TARGET = "arn:minio:sqs::PRIMARY:kafka";

    @Test
    void composesMinioNotifiesTheTopicIngestReadsThroughTheTargetIngestSubscribes() throws Exception {
        Path root = RepositoryLayout.locate().root();
        String compose = Files.readString(root.resolve("docker-compose.yml"));
        assertTrue(compose.contains("MINIO_NOTIFY_KAFKA_ENABLE_PRIMARY: \"on\""), "MinIO's Kafka target PRIMARY is on");
        assertTrue(compose.contains("MINIO_NOTIFY_KAFKA_TOPIC_PRIMARY: " + Topics.BUCKET_NOTIFICATIONS), compose);
        assertTrue(compose.contains("BLOODCELLS_BUCKET_NOTIFICATION_TARGET: \"" + TARGET + "\""), compose);
        String values = Files.readString(root.resolve("helm/bloodcells/values.yaml"));
        assertTrue(values.contains("BLOODCELLS_BUCKET_NOTIFICATION_TARGET: \"" + TARGET + "\""), values);
        assertTrue(values.contains("MINIO_NOTIFY_KAFKA_TOPIC_PRIMARY=" + Topics.BUCKET_NOTIFICATIONS), values);
    }
}
