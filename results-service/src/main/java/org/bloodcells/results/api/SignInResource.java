package org.bloodcells.results.api;

import java.util.Optional;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.bloodcells.results.config.SignInConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where the analysts' page signs in: the identity provider the services trust and the page's public client there,
 * or neither (the page then asks for a pasted token). Open, as the page's own files are: it is read before anyone
 * signs in, and holds no secret.
 */
@Path("/sign-in")
@Produces(MediaType.APPLICATION_JSON)
public class SignInResource {

    /** {@code provider}: the realm's URL (its discovery document is below it); both null for a pasted token. */
    public record Settings(String provider, String clientId) {
    }

    private final Settings settings;

    SignInResource(SignInConfig config, @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> provider) {
        this.settings = provider.isPresent() && config.pageClientId().isPresent()
                ? new Settings(provider.get(), config.pageClientId().get())
                : new Settings(null, null);
    }

    @GET
    @PermitAll
    public Settings settings() {
        return settings;
    }
}
