package org.bloodcells.results.registry;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.bloodcells.results.config.SignInConfig;
import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.Tokens;

/**
 * results-service's own credentials for the trainer, never the caller's: a token for results-service's client,
 * issued for the trainer's audience. With an identity provider it comes from the provider by the client credentials
 * grant (quarkus-oidc-client's default client), and is fetched again when it is about to expire; without one, it is
 * the token the launcher signed with its local key ({@link SignInConfig#trainerToken()}).
 */
@ApplicationScoped
public class TrainerCredentials implements ClientHeadersFactory {

    private static final Duration TOKEN_WAIT = Duration.ofSeconds(10);

    private final SignInConfig config;
    private final OidcClient provider;
    private volatile Tokens tokens;

    TrainerCredentials(SignInConfig config, OidcClient provider) {
        this.config = config;
        this.provider = provider;
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
            MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        headers.putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + token());
        return headers;
    }

    private String token() {
        if (config.trainerToken().isPresent()) {
            return config.trainerToken().get();
        }
        Tokens current = tokens;
        if (current == null || current.isAccessTokenExpired() || current.isAccessTokenWithinRefreshInterval()) {
            current = provider.getTokens().await().atMost(TOKEN_WAIT);
            tokens = current;
        }
        return current.getAccessToken();
    }
}
