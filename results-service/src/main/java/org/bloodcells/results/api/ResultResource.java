package org.bloodcells.results.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.bloodcells.results.service.BatchSummary;
import org.bloodcells.results.service.ImageResult;
import org.bloodcells.results.service.ResultReader;
import org.bloodcells.results.service.SlideCounts;
import org.jboss.resteasy.reactive.RestPath;

/** Analysts' read API: one image, a slide's counts, a batch's progress and counts. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ResultResource {

    private final ResultReader reader;

    public ResultResource(ResultReader reader) {
        this.reader = reader;
    }

    @GET
    @Path("images/{imageId}")
    public ImageResult image(@RestPath String imageId) {
        return reader.image(imageId).orElseThrow(() -> new NotFoundException("no image " + imageId));
    }

    @GET
    @Path("slides/{slideId}/counts")
    public SlideCounts slideCounts(@RestPath String slideId) {
        return reader.slide(slideId).orElseThrow(() -> new NotFoundException("no image of slide " + slideId));
    }

    @GET
    @Path("batches/{batchId}")
    public BatchSummary batch(@RestPath String batchId) {
        return reader.batch(batchId).orElseThrow(() -> new NotFoundException("no image of batch " + batchId));
    }
}
