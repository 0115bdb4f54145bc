package org.bloodcells.results.messaging;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.ImageMembership;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.PromotionSignatures;
import org.bloodcells.events.Topics;
import org.bloodcells.results.config.PromotionConfig;
import org.bloodcells.results.messaging.EventReader.Reading;
import org.bloodcells.results.messaging.EventReader.Storable;
import org.bloodcells.results.messaging.EventReader.Unusable;
import org.bloodcells.results.metrics.ResultsMetrics;
import org.bloodcells.results.service.HeldDetections;
import org.bloodcells.results.service.ResultRecorder;
import org.bloodcells.results.service.ResultRecorder.Recorded;
import org.bloodcells.results.service.TransientFailures;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Receives the pipeline's events and hands them to {@link ResultRecorder}. A record that can
 * never be stored (unreadable, or breaking its event's contract: the event's {@code problem()}) is parked on the dead-letter topic
 * with its reason and the record as received, then acknowledged, so it cannot block its
 * partition; when its key names an image, that image shows as FAILED at stage "results". On the
 * dead-letter topic itself such a record is only logged: parking it there again would loop. A failure that may pass
 * ({@link TransientFailures}: the database restarting, unreachable, its connections closed, a deadlock) is retried
 * by SmallRye Fault Tolerance with back-off, the record held, for up to {@link #MOST_RETRYING} (within Kafka's poll
 * interval, so the partition stays this consumer's). Any other failure, or one that outlasts that, fails the channel, the offset is not
 * committed, and the event is re-delivered after restart.
 */
@ApplicationScoped
public class PipelineEventConsumer {

    /**
     * Outgoing channel of parked records. Its records name {@link Topics#DEAD_LETTERS} as their topic themselves:
     * a channel cannot take that name, which the incoming channel reading the topic already has.
     */
    public static final String PARKED = "parked-events";

    private static final Logger LOG = Logger.getLogger(PipelineEventConsumer.class);

    /** Longest a record is retried through a transient database failure (Kafka's max.poll.interval.ms is 5 min). */
    static final Duration MOST_RETRYING = Duration.ofMinutes(4);
    static final Duration FIRST_WAIT = Duration.ofMillis(200);
    static final Duration MOST_WAIT = Duration.ofSeconds(10);

    /** Names the stores in Fault Tolerance's logs and metrics. */
    static final String STORING = "results-service event store";

    /** Longest a record waits for Kafka to acknowledge its parking; the producer gives up before (properties). */
    static final Duration PARK_TIMEOUT = Duration.ofSeconds(10);

    private final ResultRecorder recorder;
    private final EventReader reader;
    private final MutinyEmitter<DeadLetter> parked;
    private final ResultsMetrics metrics;
    private final HeldDetections held;
    private final PromotionSignatures.Verifier registry;
    private final TypedGuard<Boolean> storing = storing();

    public PipelineEventConsumer(ResultRecorder recorder, EventReader reader,
            @Channel(PARKED) MutinyEmitter<DeadLetter> parked, ResultsMetrics metrics, HeldDetections held,
            PromotionConfig promotions) {
        this.recorder = recorder;
        this.reader = reader;
        this.parked = parked;
        this.metrics = metrics;
        this.held = held;
        this.registry = PromotionSignatures.configuredVerifier(promotions.publicKey());
    }

    @Incoming(Topics.IMAGES_UPLOADED)
    @Blocking
    public void onImageUploaded(ConsumerRecord<String, String> record) {
        storeOr(record, ImageUploaded.class, ImageUploaded::problem, recorder::recordUpload, this::park);
    }

    @Incoming(Topics.IMAGE_MEMBERSHIPS)
    @Blocking
    public void onImageMembership(ConsumerRecord<String, String> record) {
        storeOr(record, ImageMembership.class, ImageMembership::problem, recorder::recordMembership, this::park);
    }

    /** A run of a version the registry did not vouch for is held (ResultRecorder) and reported as parked. */
    @Incoming(Topics.CELL_DETECTIONS)
    @Blocking
    public void onCellDetections(ConsumerRecord<String, String> record) {
        storeOr(record, CellDetections.class, CellDetections::problem, detections -> {
            Recorded recorded = recorder.recordDetections(detections, record.value());
            if (recorded == Recorded.HELD) {
                park(record, new DeadLetter(null, EventReader.STAGE, ResultRecorder.unknownVersion(
                        detections.modelName(), detections.modelVersion()), record.value(), Instant.now()));
            }
            return recorded == Recorded.STORED;
        }, this::park);
    }

    /**
     * Only the registry's promotions count: one whose signature the registry's public key does not verify is parked,
     * not recorded; so is a signed one older than the one in force (a replay, ResultRecorder). A recorded one makes
     * its version known, which stores the runs of it held until then.
     */
    @Incoming(Topics.MODELS_PROMOTED)
    @Blocking
    public void onModelPromoted(ConsumerRecord<String, String> record) {
        storeOr(record, ModelPromoted.class, p -> p.problem().or(() -> registry.problem(p).map(why -> "the promotion of "
                + p.model().name() + " " + p.model().version() + " is not the registry's: " + why)), promotion -> {
            ResultRecorder.PromotionOutcome outcome = recorder.recordPromotion(promotion);
            if (outcome.replay() != null) {
                park(record, new DeadLetter(null, EventReader.STAGE, outcome.replay(), record.value(), Instant.now()));
                return false;
            }
            held.release(promotion.model());
            return outcome.fresh();
        }, this::park);
    }

    @Incoming(Topics.DEAD_LETTERS)
    @Blocking
    public void onDeadLetter(ConsumerRecord<String, String> record) {
        storeOr(record, DeadLetter.class, PipelineEventConsumer::attributable, recorder::recordDeadLetter, this::skip);
    }

    /** A dead letter marks its image FAILED: one that names no image is valid, but there is nothing to store. */
    private static Optional<String> attributable(DeadLetter letter) {
        return letter.imageId() == null ? Optional.of("it names no image") : letter.problem();
    }

    /**
     * Reads the record; stores what is storable (store says whether it was new), and hands the dead letter of what
     * is not to unusable.
     */
    private <T> void storeOr(ConsumerRecord<String, String> record, Class<T> type,
            Function<T, Optional<String>> check, Predicate<T> store,
            BiConsumer<ConsumerRecord<String, String>, DeadLetter> unusable) {
        Reading<T> reading = reader.read(record.topic(), record.key(), record.value(), type, check);
        if (reading instanceof Storable<T> storable) {
            metrics.applied(record.topic(), storeRetrying(record, () -> store.test(storable.event())));
        } else {
            unusable.accept(record, ((Unusable<T>) reading).deadLetter());
        }
    }

    /**
     * Stores through {@link #storing}. Each transient failure is counted and logged with the record it held up; the
     * last one, met after {@link #MOST_RETRYING}, then fails the channel.
     */
    private boolean storeRetrying(ConsumerRecord<String, String> record, BooleanSupplier store) {
        AtomicInteger attempts = new AtomicInteger();
        try {
            return storing.call(() -> {
                int attempt = attempts.incrementAndGet();
                try {
                    return store.getAsBoolean();
                } catch (RuntimeException e) {
                    if (TransientFailures.isTransient(e)) {
                        metrics.retried(record.topic());
                        LOG.warnf("Storing %s-%d@%d failed (attempt %d, %s); retried with back-off until %s have"
                                + " passed, then the channel fails", record.topic(), record.partition(),
                                record.offset(), attempt, rootMessage(e), MOST_RETRYING);
                    }
                    throw e;
                }
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying to store " + record.topic() + "-"
                    + record.partition() + "@" + record.offset(), e);
        } catch (Exception e) {
            throw new IllegalStateException("storing " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " failed: " + e, e);
        }
    }

    /**
     * Retries what {@link TransientFailures} says may pass, waiting {@link #FIRST_WAIT} and doubling up to
     * {@link #MOST_WAIT}, while less than {@link #MOST_RETRYING} has passed since the first attempt (the last wait
     * may end up to {@link #MOST_WAIT} after it, still within Kafka's poll interval).
     */
    private static TypedGuard<Boolean> storing() {
        return TypedGuard.create(Boolean.class)
                .withDescription(STORING)
                .withRetry()
                .maxRetries(-1)
                .delay(FIRST_WAIT.toMillis(), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .maxDuration(MOST_RETRYING.toMillis(), ChronoUnit.MILLIS)
                .whenException(TransientFailures::isTransient)
                .withExponentialBackoff().factor(2).maxDelay(MOST_WAIT.toMillis(), ChronoUnit.MILLIS).done()
                .done()
                .build();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** A record of the topic whose unusable records are not parked (dead letters: it would loop): logged, passed. */
    private void skip(ConsumerRecord<String, String> skipped, DeadLetter letter) {
        LOG.errorf("Skipping %s-%d@%d: %s", skipped.topic(), skipped.partition(), skipped.offset(), letter.reason());
    }

    private void park(ConsumerRecord<String, String> record, DeadLetter letter) {
        parked.sendMessage(Message.of(letter).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.DEAD_LETTERS).withKey(letter.imageId()).build())).await().atMost(PARK_TIMEOUT);
        metrics.parked(record.topic());
        LOG.warnf("Parked %s-%d@%d on %s: %s", record.topic(), record.partition(), record.offset(),
                Topics.DEAD_LETTERS, letter.reason());
    }
}
