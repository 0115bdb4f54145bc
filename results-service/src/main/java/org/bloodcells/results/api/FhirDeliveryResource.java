package org.bloodcells.results.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.bloodcells.http.Roles;
import org.bloodcells.results.delivery.DeliveryState;
import org.bloodcells.results.delivery.FhirOutbox;
import org.bloodcells.results.delivery.FhirSender;
import org.bloodcells.results.query.InvalidQueryException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestQuery;

/** Where the delivery of signed reports to the hospital's FHIR endpoint stands, for ops. */
@Path("/fhir-deliveries")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPS)
public class FhirDeliveryResource {

    private final FhirOutbox outbox;
    private final FhirSender sender;

    public FhirDeliveryResource(FhirOutbox outbox, FhirSender sender) {
        this.outbox = outbox;
        this.sender = sender;
    }

    @GET
    @Operation(summary = "The FHIR delivery outbox, newest first", description = "Each entry: the resource (type and"
            + " id, PUT to the endpoint as [base]/{type}/{id}), its state (PENDING, FAILED: tried again at"
            + " nextAttemptAt, DELIVERED), attempts and last error; counts per state; deliveryOn false when no"
            + " endpoint is configured. Filters: state, resourceId; limit (1 to 1000, default 100).")
    public FhirOutbox.Overview deliveries(@RestQuery String state, @RestQuery String resourceId,
            @RestQuery Integer limit) {
        DeliveryState wanted;
        try {
            wanted = state == null || state.isBlank() ? null : DeliveryState.valueOf(state.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidQueryException("state must be one of " + java.util.Arrays.toString(DeliveryState.values()));
        }
        return outbox.overview(sender.deliveryOn(), wanted,
                resourceId == null || resourceId.isBlank() ? null : resourceId.trim(), limit);
    }
}
