package org.bloodcells.results.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;

import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.ModelRef;
import org.bloodcells.events.Scale;
import org.bloodcells.events.Topics;
import org.bloodcells.results.audit.AuditAction;
import org.bloodcells.results.audit.AuditTrail;
import org.bloodcells.results.persistence.DetectionRun;
import org.bloodcells.results.persistence.Image;
import org.bloodcells.results.persistence.ImageMembership;
import org.bloodcells.results.persistence.PromotedModel;
import org.bloodcells.results.registry.TrainerRegistry;
import org.bloodcells.storage.LogRedaction;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Re-processing a batch with a chosen version: each of its images is announced again on {@code images-uploaded},
 * naming the version's file (from the trainer's registry), so a worker runs that version on it. The new runs are
 * stored beside the old ones (one per image and version); the image's counts stay those of the promoted version.
 * The version, found in the registry, is known from then on (KnownVersions): results-service stores runs of it.
 */
@ApplicationScoped
public class Reprocessing {

    /** Outgoing channel of re-announced images; its records name {@link Topics#IMAGES_UPLOADED} themselves. */
    public static final String CHANNEL = "reprocess-requests";

    private static final Logger LOG = Logger.getLogger(Reprocessing.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    /** What a re-processing request did. */
    public record Requested(String batchId, String model, String version, int images) {
    }

    private final TrainerRegistry registry;
    private final MutinyEmitter<ImageUploaded> announcements;

    private final AuditTrail audit;
    private final KnownVersions known;
    private final HeldDetections held;

    public Reprocessing(@RestClient TrainerRegistry registry, @Channel(CHANNEL) MutinyEmitter<ImageUploaded> announcements,
            AuditTrail audit, KnownVersions known, HeldDetections held) {
        this.audit = audit;
        this.known = known;
        this.held = held;
        this.registry = registry;
        this.announcements = announcements;
    }

    /** Announces the batch again for the version and records who asked in the audit trail. */
    public Requested reprocess(String batchId, String modelName, String version, String requestedBy) {
        if (version == null || version.isBlank()) {
            throw new BadRequestException("version is required: the registry version to run on the batch");
        }
        List<ImageUploaded> images = batchImages(batchId);
        if (images.isEmpty()) {
            throw new NotFoundException("no uploaded image of batch " + batchId);
        }
        String name = modelName != null && !modelName.isBlank() ? modelName : defaultModel(batchId);
        TrainerRegistry.RegisteredVersion found;
        try {
            found = registry.version(name, version);
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                throw new NotFoundException("the registry has no " + name + " " + version);
            }
            throw new RegistryUnavailableException("the trainer's registry answered " + e.getResponse().getStatus(), e);
        } catch (RuntimeException e) {
            throw new RegistryUnavailableException("the trainer's registry did not answer: " + e.getMessage(), e);
        }
        ModelRef model = new ModelRef(found.name(), found.version(), found.bucket(), found.objectKey(), found.sha256());
        // The registry knows it: its runs are stored (durable before the first announcement).
        known.learn(model, KnownVersions.Source.REPROCESSING, Instant.now());
        // Runs of it that came before anyone vouched for it (held) are stored now, as a signed promotion would.
        held.release(model);
        List<Uni<Void>> sent = new ArrayList<>();
        for (ImageUploaded image : images) {
            sent.add(announcements.sendMessage(Message.of(image.forModel(model)).addMetadata(OutgoingKafkaRecordMetadata
                    .<String>builder().withTopic(Topics.IMAGES_UPLOADED).withKey(image.imageId()).build())));
        }
        Uni.join().all(sent).andFailFast().await().atMost(SEND_TIMEOUT);
        LOG.infof("Batch %s: %d images announced again for %s %s", LogRedaction.id(batchId), images.size(), name,
                version);
        Instant now = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> audit.record("reprocessing:" + batchId + ":" + now, now,
                requestedBy, AuditAction.REPROCESSING, "batch " + batchId,
                images.size() + " images announced again for " + name + " " + version));
        return new Requested(batchId, name, version, images.size());
    }

    /** The batch's images as they were uploaded, with the scale they were declared at (an estimate is redone). */
    @Transactional
    public List<ImageUploaded> batchImages(String batchId) {
        List<ImageUploaded> events = new ArrayList<>();
        for (Image image : Image.<Image>list("imageId in (" + ImageMembership.IMAGES_OF_BATCH
                + ") and uploadedAt is not null order by uploadedAt, imageId", Parameters.with("batchId", batchId))) {
            DetectionRun run = image.currentRun;
            Scale scale = run != null && run.micronsPerPixel != null && run.scaleSource != null
                    && !"ESTIMATED".equals(run.scaleSource) && !"UNKNOWN".equals(run.scaleSource)
                    ? new Scale(run.micronsPerPixel, run.scaleSource) : null;
            events.add(ImageUploaded.builder().imageId(image.imageId).bucket(image.bucket).objectKey(image.objectKey)
                    .contentType(image.contentType).sizeBytes(image.sizeBytes == null ? 0 : image.sizeBytes)
                    .scannerId(image.scannerId).slideId(image.slideId).batchId(image.batchId)
                    .uploadedAt(image.uploadedAt).scale(scale).build());
        }
        return events;
    }

    /** The model a batch's counts come from: its promoted model where one is known, else its runs' model. */
    @Transactional
    public String defaultModel(String batchId) {
        List<String> names = Image.getEntityManager().createQuery("""
                select distinct r.modelName from Image i join i.currentRun r
                where i.imageId in (%s)""".formatted(ImageMembership.IMAGES_OF_BATCH), String.class)
                .setParameter("batchId", batchId).getResultList();
        if (names.size() == 1) {
            return names.get(0);
        }
        List<PromotedModel> promoted = PromotedModel.all();
        Optional<String> only = promoted.size() == 1 ? Optional.of(promoted.get(0).modelName) : Optional.empty();
        return only.orElseThrow(() -> new BadRequestException("name the model (?model=): the batch's counts come from "
                + (names.isEmpty() ? "no model yet" : String.join(", ", names))));
    }

    /** The trainer's registry is down: 503, retry. */
    public static class RegistryUnavailableException extends RuntimeException {
        public RegistryUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
