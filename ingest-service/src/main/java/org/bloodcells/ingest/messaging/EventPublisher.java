package org.bloodcells.ingest.messaging;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.events.ImageMembership;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Topics;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Announces stored images on {@link Topics#IMAGES_UPLOADED} and further memberships of known images on
 * {@link Topics#IMAGE_MEMBERSHIPS}, keyed by image id so that every event about one image lands on one partition, and
 * returns only once the broker has acknowledged the write.
 */
@ApplicationScoped
public class EventPublisher {

    private final Emitter<ImageUploaded> uploads;
    private final Emitter<ImageMembership> memberships;

    public EventPublisher(@Channel(Topics.IMAGES_UPLOADED) Emitter<ImageUploaded> uploads,
            @Channel(Topics.IMAGE_MEMBERSHIPS) Emitter<ImageMembership> memberships) {
        this.uploads = uploads;
        this.memberships = memberships;
    }

    /** @throws PublishFailed when Kafka refuses the event or does not acknowledge it within {@code timeout} */
    public void publishAndAwaitAck(ImageUploaded event, Duration timeout) {
        send(uploads, event.imageId(), event, timeout);
    }

    /** @throws PublishFailed when Kafka refuses the event or does not acknowledge it within {@code timeout} */
    public void publishAndAwaitAck(ImageMembership event, Duration timeout) {
        send(memberships, event.imageId(), event, timeout);
    }

    private static <T> void send(Emitter<T> emitter, String imageId, T event, Duration timeout) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        Message<T> message = Message.of(event,
                Metadata.of(OutgoingKafkaRecordMetadata.<String>builder().withKey(imageId).build()),
                () -> {
                    acknowledged.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    acknowledged.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
            acknowledged.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new PublishFailed("Kafka refused the event for image " + imageId, e.getCause());
        } catch (TimeoutException e) {
            throw new PublishFailed("Kafka did not acknowledge the event for image %s within %s"
                    .formatted(imageId, timeout), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailed("interrupted while waiting for Kafka", e);
        } catch (RuntimeException e) {
            // The emitter refuses sends when its buffer is full or its channel is down.
            throw new PublishFailed("cannot hand the event for image " + imageId + " to Kafka", e);
        }
    }
}
