package org.bloodcells.ingest.bucket;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.ingest.config.IngestConfig;
import org.bloodcells.ingest.storage.ImageStore;
import org.bloodcells.ingest.storage.ImageStore.StoredObject;
import org.bloodcells.storage.LogRedaction;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Takes the {@code incoming/} objects whose notification never came (or came while storage or Kafka was down): every
 * {@code bloodcells.bucket.scan-interval}, the objects older than {@code scan-min-age}. Replicas may scan at once;
 * taking an object twice is harmless.
 */
@ApplicationScoped
public class IncomingScan {

    private static final Logger LOG = Logger.getLogger(IncomingScan.class);

    private final ImageStore store;
    private final IncomingObjects incoming;
    private final IngestConfig.Bucket config;

    public IncomingScan(ImageStore store, IncomingObjects incoming, IngestConfig config) {
        this.store = store;
        this.incoming = incoming;
        this.config = config.bucket();
    }

    @Scheduled(every = "${bloodcells.bucket.scan-interval}", delayed = "${bloodcells.bucket.scan-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            int taken = scan(Instant.now().minus(config.scanMinAge()));
            if (taken > 0) {
                LOG.infof("The scan of %s took %d object(s) no notification had brought", IncomingKey.INCOMING, taken);
            }
        } catch (RuntimeException e) {
            LOG.warnf("The scan of %s stopped (%s); the next one goes on", IncomingKey.INCOMING,
                    e.getClass().getSimpleName());
        }
    }

    /**
     * Takes the incoming objects last written before {@code writtenBefore}, each on its own (one that fails waits
     * for the next scan, the others go on); returns how many it took.
     */
    public int scan(Instant writtenBefore) {
        int taken = 0;
        for (StoredObject object : store.list(IncomingKey.INCOMING, config.scanMostObjects())) {
            if (object.lastModified().isBefore(writtenBefore)) {
                try {
                    if (incoming.take(object.key()) != IncomingObjects.Outcome.GONE) {
                        taken++;
                    }
                } catch (RuntimeException e) {
                    LOG.warnf("An incoming object waits for the next scan: %s",
                            LogRedaction.message(e.getMessage(), object.key()));
                }
            }
        }
        return taken;
    }
}
