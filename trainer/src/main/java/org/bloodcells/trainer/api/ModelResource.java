package org.bloodcells.trainer.api;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.bloodcells.trainer.config.TrainerConfig;
import org.bloodcells.trainer.registry.ReleasedModel;
import org.bloodcells.trainer.registry.ReleasedModels;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The released models with their metadata, checksum and evaluation: what ops deploy to workers. */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    private final ReleasedModels models;

    public ModelResource(TrainerConfig config, ObjectMapper json) {
        this.models = new ReleasedModels(config.models().dir(), json);
    }

    @GET
    public List<ReleasedModel> list() {
        return models.list();
    }
}
