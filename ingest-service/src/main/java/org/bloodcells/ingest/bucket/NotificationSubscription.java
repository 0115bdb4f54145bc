package org.bloodcells.ingest.bucket;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bloodcells.ingest.config.IngestConfig;
import org.bloodcells.ingest.storage.ImageStore;
import org.jboss.logging.Logger;

import io.minio.GetBucketNotificationArgs;
import io.minio.MinioClient;
import io.minio.SetBucketNotificationArgs;
import io.minio.messages.EventType;
import io.minio.messages.NotificationConfiguration;
import io.minio.messages.QueueConfiguration;
import io.quarkus.runtime.StartupEvent;

/**
 * With {@code bloodcells.bucket.notification-target} set, subscribes the bucket's {@code incoming/} puts to that target
 * at start-up (MinIO: the Kafka target the server's {@code MINIO_NOTIFY_KAFKA_*} settings define), so that compose and
 * Helm need no separate {@code mc event add}. Failing is not fatal: the scan still takes every object.
 */
@ApplicationScoped
public class NotificationSubscription {

    private static final Logger LOG = Logger.getLogger(NotificationSubscription.class);

    void subscribeAtStartup(@Observes StartupEvent startup, IngestConfig config, MinioClient client, ImageStore store) {
        config.bucket().notificationTarget().ifPresent(target -> {
            try {
                store.ensureBucket();
                NotificationConfiguration current = client.getBucketNotification(
                        GetBucketNotificationArgs.builder().bucket(store.bucket()).build());
                client.setBucketNotification(SetBucketNotificationArgs.builder()
                        .bucket(store.bucket())
                        .config(withIncomingTo(current, target))
                        .build());
                LOG.infof("Bucket %s notifies %s of puts under %s", store.bucket(), target, IncomingKey.INCOMING);
            } catch (Exception e) {
                LOG.warnf("Could not subscribe bucket %s's %s puts to %s (%s); the scan every %s takes them",
                        store.bucket(), IncomingKey.INCOMING, target, e.getMessage(), config.bucket().scanInterval());
            }
        });
    }

    /** The bucket's configuration with puts under incoming/ notifying the target; its other rules are kept. */
    static NotificationConfiguration withIncomingTo(NotificationConfiguration current, String target) {
        List<QueueConfiguration> queues = new ArrayList<>();
        if (current != null && current.queueConfigurationList() != null) {
            current.queueConfigurationList().stream()
                    .filter(q -> !(target.equals(q.queue()) && q.filterRuleList() != null && q.filterRuleList()
                            .stream().anyMatch(r -> "prefix".equals(r.name()) && IncomingKey.INCOMING.equals(r.value()))))
                    .forEach(queues::add);
        }
        QueueConfiguration queue = new QueueConfiguration();
        queue.setQueue(target);
        queue.setEvents(List.of(EventType.OBJECT_CREATED_ANY));
        queue.setPrefixRule(IncomingKey.INCOMING);
        queues.add(queue);
        NotificationConfiguration configuration = current != null ? current : new NotificationConfiguration();
        configuration.setQueueConfigurationList(queues);
        return configuration;
    }
}
