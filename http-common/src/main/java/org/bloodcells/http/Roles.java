package org.bloodcells.http;

/**
 * Who may do what: the roles a bearer token carries in its {@code groups} claim. Every endpoint
 * names the roles it admits with {@code @RolesAllowed}; one without is refused
 * ({@code quarkus.security.jaxrs.deny-unannotated-endpoints}), and only the probes and the web page's
 * own files are open.
 */
public final class Roles {

    /** A slide scanner (or its gateway): uploads images, only as the scanner its token names. */
    public static final String SCANNER = "scanner";
    /** Reads results, reviews counts, exports. */
    public static final String ANALYST = "analyst";
    /** Runs the platform: promotes models, reprocesses batches, deletes images, reads the audit trail. */
    public static final String OPS = "ops";
    /** The training pipeline: starts training runs that register candidate models. */
    public static final String TRAINER = "trainer";
    /**
     * Reads the trainer's model registry and nothing else: results-service's own identity for the trainer (it looks a
     * version up to re-process a batch). Not {@link #OPS}, which may promote: a stolen results-service token must not
     * promote a version the gate refused.
     */
    public static final String REGISTRY_READER = "registry-reader";

    /** The claim of a scanner's token that names the one scanner it may upload as. */
    public static final String SCANNER_CLAIM = "scanner_id";

    private Roles() {
    }
}
