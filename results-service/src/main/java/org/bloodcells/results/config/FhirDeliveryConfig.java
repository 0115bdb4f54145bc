package org.bloodcells.results.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Delivery of signed reports to the hospital's FHIR endpoint (the outbox, README "Delivery to the hospital"). The
 * values are in application.properties, their one home.
 */
@ConfigMapping(prefix = "bloodcells.fhir-delivery")
public interface FhirDeliveryConfig {

    /** The FHIR server's base URL ({@code .../fhir}); unset, delivery is off and entries stay PENDING. */
    Optional<URI> endpoint();

    Duration connectTimeout();

    /** How long one PUT may take to answer. */
    Duration readTimeout();

    /** Wait after a first failure; doubled with each further one up to {@link #backoffMax()}. */
    Duration backoffInitial();

    Duration backoffMax();

    /** How often the sender looks for due entries (FhirSender's schedule reads it by name). */
    Duration pollInterval();

    /** Most entries sent in one round of the sender (it polls every {@code poll-interval}). */
    int batchSize();
}
