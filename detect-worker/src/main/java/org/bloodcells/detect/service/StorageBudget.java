package org.bloodcells.detect.service;

import java.time.Duration;

/**
 * How long object storage may keep a batch waiting. The connector's throttled committer declares the channel stuck
 * when a record waits longer than its unprocessed-record age; a batch must end before that, acknowledged or failed.
 * A batch's reads may start until its fetch budget is spent; the last one may then take one storage call (its
 * connect and read timeouts, the HTTP client's call timeout), the model and post-processing get
 * {@link #DETECTION_ALLOWANCE}, and publishing its publish timeout.
 */
public record StorageBudget(Duration maxRecordAge, Duration connectTimeout, Duration readTimeout,
        Duration publishTimeout) {

    /** A batch's model runs and post-processing on a busy CPU, with room to spare. */
    static final Duration DETECTION_ALLOWANCE = Duration.ofSeconds(30);

    /** How long after a batch starts a new read of an image may begin. */
    public Duration fetchBudget() {
        return maxRecordAge.minus(connectTimeout).minus(readTimeout).minus(DETECTION_ALLOWANCE).minus(publishTimeout);
    }

    /** @throws IllegalStateException naming the settings when the timeouts leave no time to read an image */
    public StorageBudget check() {
        if (fetchBudget().isNegative() || fetchBudget().isZero()) {
            throw new IllegalStateException("object storage timeouts (connect " + connectTimeout + ", read "
                    + readTimeout + ") and the publish timeout (" + publishTimeout + ") leave no time to read images"
                    + " within the throttled committer's record age (" + maxRecordAge + ", less " + DETECTION_ALLOWANCE
                    + " for detection): lower bloodcells.storage.timeout or raise mp.messaging.incoming."
                    + "images-uploaded.throttled.unprocessed-record-max-age.ms");
        }
        return this;
    }
}
