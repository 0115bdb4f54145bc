package org.bloodcells.results.messaging;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.ImageId;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns a pipeline record (key and JSON value, as published) into its event, or into the
 * {@link DeadLetter} that parks it: a record that does not parse, or parses into an event that can
 * never be stored, would fail the same way on every re-delivery. The dead letter keeps the record
 * as it was received and names the image when the record's key is an image id.
 */
@ApplicationScoped
public class EventReader {

    /** The stage named in the dead letters results-service writes. */
    public static final String STAGE = "results";

    /** What reading a record gave. */
    public sealed interface Reading<T> {
    }

    /** The record holds a storable event. */
    public record Storable<T>(T event) implements Reading<T> {
    }

    /** The record can never be stored; park it. */
    public record Unusable<T>(DeadLetter deadLetter) implements Reading<T> {
    }

    private final ObjectMapper json;
    private final Clock clock;

    @Inject
    public EventReader(ObjectMapper json) {
        this(json, Clock.systemUTC());
    }

    public EventReader(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /**
     * @param check what is wrong with the event (its contract's {@code problem()}), empty when it can be stored
     */
    public <T> Reading<T> read(String topic, String key, String value, Class<T> type,
            Function<T, Optional<String>> check) {
        String what = type.getSimpleName() + " record on " + topic;
        T event;
        try {
            event = value == null ? null : json.readValue(value, type);
        } catch (JsonProcessingException e) {
            return unusable(key, value, "unreadable " + what + ": " + e.getOriginalMessage());
        }
        if (event == null) {
            return unusable(key, value, "empty " + what);
        }
        Optional<String> problem = check.apply(event);
        if (problem.isPresent()) {
            return unusable(key, value, what + " can never be stored: " + problem.get());
        }
        return new Storable<>(event);
    }

    private <T> Unusable<T> unusable(String key, String value, String reason) {
        String imageId = ImageId.isWellFormed(key) ? key : null;
        return new Unusable<>(new DeadLetter(imageId, STAGE, reason, value, clock.instant()));
    }
}
