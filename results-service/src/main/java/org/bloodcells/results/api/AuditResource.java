package org.bloodcells.results.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.bloodcells.http.Roles;
import org.bloodcells.results.audit.AuditAction;
import org.bloodcells.results.audit.AuditTrail;
import org.bloodcells.results.query.InvalidQueryException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestQuery;

/** The audit trail, for ops: who uploaded, reviewed, promoted, re-processed or deleted what, and when. */
@Path("/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPS)
public class AuditResource {

    private final AuditTrail trail;

    public AuditResource(AuditTrail trail) {
        this.trail = trail;
    }

    @GET
    @Operation(summary = "Audit trail entries, newest first", description = "Filters: actor, action (UPLOAD, REVIEW,"
            + " PROMOTION, REPROCESSING, DELETION, EXPORT, LISTING), subject (an image id, 'batch <id>', 'slide <id>',"
            + " '<model> <version>', or a list: 'images', 'aggregates', 'review queue'), from and to (ISO-8601"
            + " instants); limit (1 to 1000, default 100); pass a page's next as before for the next.")
    public AuditTrail.Page entries(@RestQuery String actor, @RestQuery String action, @RestQuery String subject,
            @RestQuery String from, @RestQuery String to, @RestQuery Integer limit, @RestQuery Long before) {
        AuditAction kind;
        try {
            kind = action == null || action.isBlank() ? null : AuditAction.valueOf(action.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidQueryException("action must be one of " + java.util.Arrays.toString(AuditAction.values()));
        }
        return trail.find(new AuditTrail.Query(blankToNull(actor), kind, blankToNull(subject), instant("from", from),
                instant("to", to), limit, before));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidQueryException(name + " must be an ISO-8601 instant such as 2026-12-01T00:00:00Z");
        }
    }
}
