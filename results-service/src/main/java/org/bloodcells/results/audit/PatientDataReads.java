package org.bloodcells.results.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.UriInfo;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Listing and exporting patient data, audited: one entry per request (who, what, and the request's filter as it
 * was asked), written in a transaction of its own before the data is read, so nothing is answered unaudited. The
 * same request by the same user again within {@link #SAME_REQUEST_WINDOW} adds no entry: the analysts' page refreshes
 * its batches every few seconds, and a trail flooded with those would hide what it is for.
 */
@ApplicationScoped
public class PatientDataReads {

    public static final Duration SAME_REQUEST_WINDOW = Duration.ofMinutes(10);

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
        Instant now = Instant.now();
        String actor = identity.getPrincipal().getName();
        String filter = filter(request.getRequestUri().getPath(), request.getRequestUri().getQuery());
        trail.record(sourceKey(actor, action, subject, filter, now), now, actor, action, subject, filter);
    }

    /** One key per user, request and window: the trail keeps the first entry of a window and ignores the others. */
    static String sourceKey(String actor, AuditAction action, String subject, String filter, Instant at) {
        String request = String.join("\n", actor, action.name(), subject, filter);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(request.getBytes(StandardCharsets.UTF_8));
            return "read:" + HexFormat.of().formatHex(digest) + ":"
                    + at.getEpochSecond() / SAME_REQUEST_WINDOW.toSeconds();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The request as its filter: path and decoded query, e.g. {@code GET /images?status=DONE&batch=b1}. */
    static String filter(String path, String query) {
        return "GET " + path + (query == null || query.isEmpty() ? "" : "?" + query);
    }
}
