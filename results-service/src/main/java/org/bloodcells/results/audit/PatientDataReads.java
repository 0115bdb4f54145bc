package org.bloodcells.results.audit;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.UriInfo;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Listing and exporting patient data, audited: one entry per request (who, what, and the request's filter as it
 * was asked), written in a transaction of its own before the data is read, so nothing is answered unaudited.
 */
@ApplicationScoped
public class PatientDataReads {

    private final AuditTrail trail;
    private final SecurityIdentity identity;
    private final UriInfo request;

    public PatientDataReads(AuditTrail trail, SecurityIdentity identity, UriInfo request) {
        this.trail = trail;
        this.identity = identity;
        this.request = request;
    }

    /** The current request lists {@code subject} (e.g. {@code images}, {@code batch <id>}). */
    @Transactional
    public void listed(String subject) {
        record(AuditAction.LISTING, subject);
    }

    /** The current request downloads {@code subject} as a file. */
    @Transactional
    public void exported(String subject) {
        record(AuditAction.EXPORT, subject);
    }

    private void record(AuditAction action, String subject) {
        trail.record("read:" + UUID.randomUUID(), Instant.now(), identity.getPrincipal().getName(), action, subject,
                filter(request.getRequestUri().getPath(), request.getRequestUri().getQuery()));
    }

    /** The request as its filter: path and decoded query, e.g. {@code GET /images?status=DONE&batch=b1}. */
    static String filter(String path, String query) {
        return "GET " + path + (query == null || query.isEmpty() ? "" : "?" + query);
    }
}
