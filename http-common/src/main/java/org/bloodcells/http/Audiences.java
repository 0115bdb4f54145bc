package org.bloodcells.http;

/**
 * The client ids of the services with an HTTP API, as the identity provider knows them: each service accepts only
 * tokens whose {@code aud} names it ({@code quarkus.oidc.token.audience}, set from {@code quarkus.oidc.client-id},
 * which is the application's name unless the deployment says otherwise), so a token issued for one service is
 * refused by the others.
 */
public final class Audiences {

    public static final String INGEST_SERVICE = "ingest-service";
    public static final String RESULTS_SERVICE = "results-service";
    public static final String TRAINER = "trainer";

    private Audiences() {
    }
}
