package org.bloodcells.results.persistence;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import org.bloodcells.results.delivery.DeliveryState;

/** One FHIR resource to deliver to the hospital (migration V12), written in the transaction that made it. */
@Entity
@Table(name = "fhir_outbox")
public class FhirOutboxEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String resourceType;
    public String resourceId;
    public String payload;
    @Enumerated(EnumType.STRING)
    public DeliveryState state;
    public int attempts;
    public String lastError;
    public Instant nextAttemptAt;
    public Instant createdAt;
    public Instant deliveredAt;
}
