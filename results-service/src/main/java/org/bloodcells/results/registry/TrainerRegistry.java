package org.bloodcells.results.registry;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The trainer's model registry, where a re-processing request learns which file a version is. The caller's token
 * goes along (org.eclipse.microprofile.rest.client.propagateHeaders): the trainer lets ops read its registry, so the
 * ops user who asked for the re-processing is who reads it, and results-service holds no credentials of its own.
 */
@RegisterRestClient(configKey = "trainer")
@RegisterClientHeaders
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
