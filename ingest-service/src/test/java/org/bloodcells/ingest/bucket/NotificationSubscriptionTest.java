package org.bloodcells.ingest.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.minio.messages.EventType;
import io.minio.messages.NotificationConfiguration;
import io.minio.messages.QueueConfiguration;

/** The subscription adds ingest's rule to a bucket's notifications without dropping what others configured. */
class NotificationSubscriptionTest {

    private static QueueConfiguration queue(String target, String prefix) {
        QueueConfiguration queue = new QueueConfiguration();
        queue.setQueue(target);
        queue.setEvents(List.of(EventType.OBJECT_CREATED_ANY));
        queue.setPrefixRule(prefix);
        return queue;
    }

    @Test
    void anotherRuleIsKeptAndAnEarlierIncomingRuleOfTheTargetIsReplacedNotDoubled() {
        NotificationConfiguration current = new NotificationConfiguration();
        current.setQueueConfigurationList(List.of(queue("arn:minio:sqs::AUDIT:webhook", "sha256/"),
                queue("arn:minio:sqs::PRIMARY:kafka", IncomingKey.INCOMING)));

        NotificationConfiguration updated = NotificationSubscription.withIncomingTo(current,
                "arn:minio:sqs::PRIMARY:kafka");

        assertEquals(List.of("arn:minio:sqs::AUDIT:webhook", "arn:minio:sqs::PRIMARY:kafka"),
                updated.queueConfigurationList().stream().map(QueueConfiguration::queue).toList());
        QueueConfiguration ours = updated.queueConfigurationList().get(1);
        assertEquals(List.of(EventType.OBJECT_CREATED_ANY), ours.events());
        assertEquals(IncomingKey.INCOMING, ours.filterRuleList().get(0).value());
    }

    @Test
    void aBucketWithoutNotificationsGetsTheOneRule() {
        NotificationConfiguration updated = NotificationSubscription.withIncomingTo(null, "arn:minio:sqs::PRIMARY:kafka");
        assertEquals(1, updated.queueConfigurationList().size());
    }
}
