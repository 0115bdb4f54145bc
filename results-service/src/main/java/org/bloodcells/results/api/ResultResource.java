package org.bloodcells.results.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.bloodcells.http.Roles;
import org.bloodcells.results.audit.PatientDataReads;
import org.bloodcells.results.review.CellReview;
import org.bloodcells.results.review.ReviewedImage;
import org.bloodcells.results.service.BatchComparison;
import org.bloodcells.results.service.BatchSummary;
import org.bloodcells.results.service.Reprocessing;
import org.bloodcells.results.service.ResultReader;
import org.bloodcells.results.service.SlideCounts;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Analysts' API: a slide's counts, a batch's progress and counts; a batch re-processed with another model
 * version, and the two versions' counts compared.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ANALYST, Roles.OPS })
public class ResultResource {

    private final ResultReader reader;
    private final Reprocessing reprocessing;
    private final SecurityIdentity identity;
    private final CellReview cells;
    private final PatientDataReads reads;

    public ResultResource(ResultReader reader, Reprocessing reprocessing, SecurityIdentity identity,
            CellReview cells, PatientDataReads reads) {
        this.reads = reads;
        this.cells = cells;
        this.identity = identity;
        this.reader = reader;
        this.reprocessing = reprocessing;
    }

    @GET
    @Path("slides/{slideId}/counts")
    public SlideCounts slideCounts(@RestPath String slideId) {
        reads.listed("slide " + slideId);
        return reader.slide(slideId).orElseThrow(() -> new NotFoundException("no image of slide " + slideId));
    }

    @GET
    @Path("slides/{slideId}/cells")
    @Operation(summary = "A slide's cells as reviewed: the gallery", description = "The slide's DONE images (the"
            + " first " + CellReview.MOST_GALLERY_IMAGES + " by upload), each as GET /images/{imageId}/cells with only"
            + " the cells of classes (comma separated; all by default).")
    public List<ReviewedImage> slideCells(@RestPath String slideId, @RestQuery String classes) {
        reads.listed("slide " + slideId);
        List<ReviewedImage> images = cells.slide(slideId, ImageResource.shown(classes));
        if (images.isEmpty()) {
            throw new NotFoundException("no detected image of slide " + slideId);
        }
        return images;
    }

    @GET
    @Path("batches/{batchId}")
    public BatchSummary batch(@RestPath String batchId) {
        reads.listed("batch " + batchId);
        return reader.batch(batchId).orElseThrow(() -> new NotFoundException("no image of batch " + batchId));
    }

    /**
     * Announces the batch's images again for a registry version ({@code model} defaults to the batch's model): 202,
     * the new runs arrive beside the old ones, and {@code compare} shows what changed.
     */
    @RolesAllowed({ Roles.OPS })
    @POST
    @Path("batches/{batchId}/reprocess")
    public Response reprocess(@RestPath String batchId, @RestQuery String version, @RestQuery String model) {
        return Response.accepted(reprocessing.reprocess(batchId, model, version, identity.getPrincipal().getName()))
                .build();
    }

    /** The per-class count differences {@code to − from}, per image of the batch and in total. */
    @GET
    @Path("batches/{batchId}/compare")
    public BatchComparison compare(@RestPath String batchId, @RestQuery String from, @RestQuery String to,
            @RestQuery String model) {
        if (from == null || to == null || from.isBlank() || to.isBlank()) {
            throw new BadRequestException("from and to name the two versions to compare");
        }
        reads.listed("batch " + batchId);
        String name = model != null && !model.isBlank() ? model : reprocessing.defaultModel(batchId);
        return reader.compare(batchId, name, from, to)
                .orElseThrow(() -> new NotFoundException("no image of batch " + batchId));
    }
}
