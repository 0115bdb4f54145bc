package org.bloodcells.results.registry;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The trainer's model registry, where a re-processing request learns which file a version is. results-service signs
 * in with credentials of its own ({@link TrainerCredentials}): a caller's token is issued for results-service and is
 * not passed on to another service.
 */
@RegisterRestClient(configKey = "trainer")
@RegisterClientHeaders(TrainerCredentials.class)
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public interface TrainerRegistry {

    /** The registry's record of one version (the fields a worker needs; others are ignored). */
    record RegisteredVersion(String name, String version, String status, String bucket, String objectKey,
            String sha256) {
    }

    @GET
    @Path("{name}/{version}")
    RegisteredVersion version(@PathParam("name") String name, @PathParam("version") String version);
}
