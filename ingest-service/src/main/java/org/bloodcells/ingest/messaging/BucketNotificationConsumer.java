package org.bloodcells.ingest.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.events.Topics;
import org.bloodcells.ingest.bucket.IncomingKey;
import org.bloodcells.ingest.bucket.IncomingObjects;
import org.bloodcells.ingest.bucket.S3EventNotification;
import org.bloodcells.ingest.storage.ImageStore;
import org.bloodcells.storage.LogRedaction;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Blocking;

/**
 * Reads the object store's notifications of {@code incoming/} puts and hands each object to {@link IncomingObjects}.
 * A notification it cannot act on (another bucket, another prefix, a deletion, unreadable) is skipped; one whose
 * object it could not take because storage or Kafka failed is skipped too, and the object waits in {@code incoming/}
 * for the periodic scan ({@link IncomingScan}): the notification is a prompt, the bucket is the record.
 */
@ApplicationScoped
public class BucketNotificationConsumer {

    private static final Logger LOG = Logger.getLogger(BucketNotificationConsumer.class);

    private final IncomingObjects incoming;
    private final ImageStore store;
    private final ObjectMapper json;

    public BucketNotificationConsumer(IncomingObjects incoming, ImageStore store, ObjectMapper json) {
        this.incoming = incoming;
        this.store = store;
        this.json = json;
    }

    @Incoming(Topics.BUCKET_NOTIFICATIONS)
    @Blocking
    public void onNotification(String notification) {
        S3EventNotification event;
        try {
            event = json.readValue(notification, S3EventNotification.class);
        } catch (JsonProcessingException e) {
            LOG.warnf("Skipped a bucket notification that is not an S3 event record: %s",
                    LogRedaction.message(e.getOriginalMessage()));
            return;
        }
        if (event.records() == null) {
            return;
        }
        for (S3EventNotification.Record record : event.records()) {
            String key = record.key();
            if (!record.created() || !store.bucket().equals(record.bucket()) || key == null
                    || !key.startsWith(IncomingKey.INCOMING)) {
                continue;
            }
            try {
                incoming.take(key);
            } catch (RuntimeException e) {
                LOG.warnf("An incoming object waits for the next scan: %s", LogRedaction.message(e.getMessage(), key));
            }
        }
    }
}
