package org.bloodcells.results.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Delivery of signed reports to the hospital's FHIR endpoint (the outbox; README "Delivery to the hospital"). */
@ConfigMapping(prefix = "bloodcells.fhir-delivery")
public interface FhirDeliveryConfig {

    /** The FHIR server's base URL ({@code .../fhir}); unset, delivery is off and entries stay PENDING. */
    Optional<URI> endpoint();

    @WithDefault("5s")
    Duration connectTimeout();

    /** How long one PUT may take to answer; past it the PUT counts as failed and is sent again. */
    @WithDefault("20s")
    Duration readTimeout();

    /** Wait after a first failure; doubled with each further one up to {@link #backoffMax()}. */
    @WithDefault("10s")
    Duration backoffInitial();

    @WithDefault("15m")
    Duration backoffMax();

    /** How often the sender looks for due entries (FhirSender's schedule reads it by name). */
    @WithDefault("5s")
    Duration pollInterval();

    /** Most entries sent in one round of the sender. */
    @WithDefault("50")
    int batchSize();
}
