package org.bloodcells.results.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * How the analysts' page signs in at the identity provider, and how results-service signs in to the trainer where no
 * provider issues its tokens.
 */
@ConfigMapping(prefix = "bloodcells.sign-in")
public interface SignInConfig {

    /**
     * The provider's public client the page signs in with (authorization code with PKCE, at the provider of
     * {@code quarkus.oidc.auth-server-url}); without it, or without a provider, the page asks for a pasted token.
     */
    Optional<String> pageClientId();

    /**
     * results-service's own bearer token for the trainer's registry where no provider issues one (the launcher's local
     * key signs it); with a provider, results-service gets its tokens itself by the client credentials grant
     * ({@code quarkus.oidc-client.*}) and this stays unset.
     */
    Optional<String> trainerToken();
}
