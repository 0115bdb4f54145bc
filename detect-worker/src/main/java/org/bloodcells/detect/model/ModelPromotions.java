package org.bloodcells.detect.model;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bloodcells.detect.config.DetectWorkerConfig;
import org.bloodcells.detect.metrics.WorkerMetrics;
import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.ModelRef;
import org.bloodcells.events.ModelRejected;
import org.bloodcells.events.PromotionSignatures;
import org.bloodcells.events.Topics;
import org.bloodcells.storage.ModelObjects;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * What the registry tells this replica: the promoted version in force ({@link Topics#MODELS_PROMOTED}) and each one
 * promoted later, the versions' files (fetched from object storage, checked against their SHA-256), and the versions
 * this replica refuses ({@link Topics#MODELS_REJECTED}, a metric, readiness detail).
 *
 * <p>Every replica reads the whole topic: a Kafka consumer of its own, assigned the topic's partition, in no
 * consumer group (a group would hand each promotion to one replica only). The topic is compacted by model name, so
 * its last record is the version in force however long ago it was promoted.
 *
 * <p>Only the registry's promotions count: each must carry the trainer's signature, verified with the registry's
 * public key ({@link PromotionSignatures}); any other record there is refused (reported as a version that fails its
 * checks) and the version in force stays the last one the registry signed.
 *
 * <p>A signature proves the registry once promoted a version, not that it still stands: an old signed record sent
 * again would roll the fleet back. Per model name the last signed promotion read is kept, and one whose
 * {@code promotedAt} is not after it is refused the same way (a replay). That very record read again (same version,
 * same {@code promotedAt}) is no replay and changes nothing; rolling back is a new promotion of the earlier version.
 */
@ApplicationScoped
public class ModelPromotions {

    private static final Logger LOG = Logger.getLogger(ModelPromotions.class);

    /** Names the follower's re-reading in Fault Tolerance's logs and metrics. */
    static final String REREADING = "detect-worker models-promoted follower";
    static final Duration PAUSE = Duration.ofSeconds(2);
    static final Duration NO_TOPIC_PAUSE = Duration.ofSeconds(5);

    private final Map<String, Object> kafka;
    private final ModelObjects files;
    private final Path cacheDir;
    private final String workerId;
    private final WorkerMetrics metrics;
    private final MutinyEmitter<ModelRejected> rejections;
    private final ObjectMapper json;
    private final PromotionSignatures.Verifier registry;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final TypedGuard<Void> rereading = rereading();
    private KafkaConsumer<String, String> consumer;
    private volatile String lastRejection;
    /** Per model name, the last promotion the registry signed that was read; guarded by this. */
    private final Map<String, ModelPromoted> lastSigned = new HashMap<>();

    @Inject
    public ModelPromotions(@Identifier("default-kafka-broker") Map<String, Object> kafka, ModelObjects files,
            DetectWorkerConfig config, WorkerMetrics metrics,
            @Channel(Topics.MODELS_REJECTED) MutinyEmitter<ModelRejected> rejections, ObjectMapper json) {
        this(kafka, files, config.detector().modelCacheDir(), config.worker().id().orElse("detect-worker"),
                metrics, rejections, json, PromotionSignatures.configuredVerifier(config.promotion().publicKey()));
    }

    /** @param kafka the client settings of every {@code kafka.*} property: the brokers and this worker's login */
    ModelPromotions(Map<String, Object> kafka, ModelObjects files, Path cacheDir, String workerId, WorkerMetrics metrics,
            MutinyEmitter<ModelRejected> rejections, ObjectMapper json, PromotionSignatures.Verifier registry) {
        this.registry = registry;
        this.kafka = Map.copyOf(kafka);
        this.files = files;
        this.cacheDir = cacheDir;
        this.workerId = workerId;
        this.metrics = metrics;
        this.rejections = rejections;
        this.json = json;
    }

    /**
     * The version in force: the topic's last record the registry signed, read within {@code timeout}. Empty when
     * nothing was promoted yet, when the topic does not exist (no trainer deployed) or when Kafka does not answer in
     * time; the follower then applies what it reads later.
     *
     * @param refused told of each record on the way that is not the registry's, with why
     */
    public synchronized Optional<ModelPromoted> inForce(Duration timeout, BiConsumer<ModelRef, String> refused) {
        try {
            if (!assign(timeout)) {
                return Optional.empty();
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), timeout);
            ModelPromoted last = null;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!caughtUp(ends) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    last = parse(record, refused).orElse(last);
                }
            }
            return Optional.ofNullable(last);
        } catch (org.apache.kafka.common.KafkaException e) {
            LOG.warnf("Cannot read %s yet (%s): running the model file until a promotion arrives",
                    Topics.MODELS_PROMOTED, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Reads promotions until stopped, handing each poll's last one the registry signed to {@code apply}, and each one
     * it did not sign to {@code refused} with why. Runs on its own thread. A poll
     * or an apply that fails is tried again through {@link #rereading}, the topic's absence (no trainer deployed
     * yet: it creates the topic at its first start) after a longer pause and without a warning.
     */
    void follow(Consumer<ModelPromoted> apply, BiConsumer<ModelRef, String> refused) {
        while (!stopped.get()) {
            try {
                rereading.call(() -> {
                    step(apply, refused);
                    return null;
                });
            } catch (Exception e) {
                // Not retried: stopped (closing wakes the consumer up), or interrupted.
                return;
            }
        }
    }

    private void step(Consumer<ModelPromoted> apply, BiConsumer<ModelRef, String> refused) {
        ModelPromoted last = null;
        synchronized (this) {
            if (!assign(Duration.ofSeconds(5))) {
                throw new TopicMissing();
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                last = parse(record, refused).orElse(last);
            }
        }
        if (last != null) {
            apply.accept(last);
        }
    }

    /** Retries every failure for as long as this replica runs, pausing {@link #NO_TOPIC_PAUSE} or {@link #PAUSE}. */
    private TypedGuard<Void> rereading() {
        return TypedGuard.create(Void.class)
                .withDescription(REREADING)
                .withRetry()
                .maxRetries(-1)
                .maxDuration(0, ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .whenException(e -> !stopped.get() && !(e instanceof WakeupException))
                .beforeRetry(e -> {
                    if (!(e instanceof TopicMissing)) {
                        LOG.warnf("Reading %s failed, retrying: %s", Topics.MODELS_PROMOTED, e.getMessage());
                    }
                })
                .withCustomBackoff()
                .strategy(() -> e -> (e instanceof TopicMissing ? NO_TOPIC_PAUSE : PAUSE).toMillis())
                .done()
                .done()
                .build();
    }

    /** {@link Topics#MODELS_PROMOTED} does not exist yet. */
    private static final class TopicMissing extends RuntimeException {

        TopicMissing() {
            super(Topics.MODELS_PROMOTED + " does not exist yet", null, false, false);
        }
    }

    /** The version's file in this replica's cache, fetched and checked against the registry's SHA-256 once. */
    public Path download(ModelRef model) {
        return files.fetchCached(model, cacheDir);
    }

    /** This replica will not run {@code model}: said in the log, a metric, readiness detail and a ModelRejected. */
    public void rejected(ModelRef model, String running, String reason) {
        LOG.errorf("Refusing model %s %s (keeping %s): %s", model.name(), model.version(), running, reason);
        metrics.modelRejected(model.name(), model.version());
        lastRejection = model.name() + " " + model.version() + " at " + Instant.now() + ": " + reason;
        try {
            rejections.sendMessage(KafkaRecord.of(model.name(), new ModelRejected(model, workerId, running, reason,
                    Instant.now()))).await().atMost(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warnf("Could not publish the rejection of %s %s: %s", model.name(), model.version(), e.getMessage());
        }
    }

    /** The last version refused, with when and why; null when none was. */
    public String lastRejection() {
        return lastRejection;
    }

    private boolean assign(Duration timeout) {
        if (consumer == null) {
            Map<String, Object> config = new HashMap<>(kafka);
            // No group: every worker reads all of the topic and commits nothing (Quarkus's defaults name one).
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-models");
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        }
        if (!consumer.assignment().isEmpty()) {
            return true;
        }
        List<PartitionInfo> partitions = consumer.partitionsFor(Topics.MODELS_PROMOTED, timeout);
        if (partitions == null || partitions.isEmpty()) {
            return false;
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        return true;
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** The promotion the record holds if the registry signed it; a valid one it did not sign goes to refused. */
    private Optional<ModelPromoted> parse(ConsumerRecord<String, String> record, BiConsumer<ModelRef, String> refused) {
        if (record.value() == null) {
            return Optional.empty();
        }
        ModelPromoted promotion;
        try {
            promotion = json.readValue(record.value(), ModelPromoted.class);
        } catch (JsonProcessingException e) {
            return ignored(record, e.getOriginalMessage());
        }
        Optional<String> problem = promotion == null ? Optional.of("JSON null") : promotion.problem();
        if (problem.isPresent()) {
            return ignored(record, problem.get());
        }
        Optional<String> forged = registry.problem(promotion);
        if (forged.isPresent()) {
            refused.accept(promotion.model(), forged.get() + " (" + record.topic() + " offset " + record.offset() + ")");
            return Optional.empty();
        }
        Optional<String> replayed = replayed(promotion);
        if (replayed.isPresent()) {
            refused.accept(promotion.model(), replayed.get() + " (" + record.topic() + " offset " + record.offset()
                    + ")");
            return Optional.empty();
        }
        lastSigned.put(promotion.model().name(), promotion);
        return Optional.of(promotion);
    }

    /** Why a signed promotion is an old one sent again: its promotedAt is not after the last one read of its model. */
    private Optional<String> replayed(ModelPromoted promotion) {
        ModelPromoted last = lastSigned.get(promotion.model().name());
        if (last == null || promotion.promotedAt().isAfter(last.promotedAt())) {
            return Optional.empty();
        }
        if (promotion.promotedAt().equals(last.promotedAt()) && promotion.model().equals(last.model())) {
            return Optional.empty(); // the same record read again
        }
        return Optional.of("replayed: promoted at " + promotion.promotedAt() + ", not after the promotion in force ("
                + last.model().version() + ", promoted at " + last.promotedAt() + ")");
    }

    /** A record no replica can act on is logged and skipped: the version in force stays. */
    private static Optional<ModelPromoted> ignored(ConsumerRecord<String, String> record, String why) {
        LOG.errorf("Ignoring %s record at offset %d: %s", record.topic(), record.offset(), why);
        return Optional.empty();
    }

    @PreDestroy
    void close() {
        stopped.set(true);
        if (consumer != null) {
            consumer.wakeup();
            synchronized (this) {
                consumer.close(Duration.ofSeconds(2));
            }
        }
    }
}
