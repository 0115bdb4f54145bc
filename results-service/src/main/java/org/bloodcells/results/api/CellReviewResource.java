package org.bloodcells.results.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.bloodcells.http.Roles;
import org.bloodcells.results.review.CellConfirmRequest;
import org.bloodcells.results.review.CellEditRecord;
import org.bloodcells.results.review.CellEditRequest;
import org.bloodcells.results.review.CellReview;
import org.bloodcells.results.review.ReviewedImage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;

import io.quarkus.security.identity.SecurityIdentity;

/** An image's boxes reviewed one by one: reclassified, deleted, drawn, confirmed (analysts); read by ops too. */
@Path("/images/{imageId}/cells")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ANALYST, Roles.OPS })
public class CellReviewResource {

    private final CellReview review;
    private final SecurityIdentity identity;

    public CellReviewResource(CellReview review, SecurityIdentity identity) {
        this.review = review;
        this.identity = identity;
    }

    @GET
    @Operation(summary = "The image's cells as reviewed", description = "Every box of the current run with its key"
            + " (m<index>: the model's; d<id>: drawn), class now and the model's, state (UNCHANGED, RECLASSIFIED,"
            + " ADDED, DELETED) and whether it counts; the reviewed counts beside the model's; the latest"
            + " confirmation.")
    public ReviewedImage cells(@RestPath String imageId) {
        return review.cells(imageId).orElseThrow(() -> new NotFoundException("no detections of image " + imageId));
    }

    @POST
    @Path("edits")
    @RolesAllowed(Roles.ANALYST)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Reclassify, delete or draw one box", description = "{\"action\":\"RECLASSIFY\",\"cell\":"
            + "\"m3\",\"cellClass\":\"RBC\"} | {\"action\":\"DELETE\",\"cell\":\"m4\"} | {\"action\":\"ADD\","
            + "\"cellClass\":\"Platelets\",\"box\":{\"x1\":10,\"y1\":10,\"x2\":30,\"y2\":30}}, each with an optional"
            + " comment and runId. Stored beside the model's boxes, audited; the image reports its reviewed counts"
            + " from then on. 201 with the edit and the image as it now stands.")
    public Response edit(@RestPath String imageId, CellEditRequest request) {
        CellReview.Edited edited = review.edit(imageId, request, identity.getPrincipal().getName())
                .orElseThrow(() -> new NotFoundException("no image " + imageId));
        return Response.status(Response.Status.CREATED).entity(edited).build();
    }

    @GET
    @Path("edits")
    @Operation(summary = "Every edit of the image's boxes, oldest first: who, when, which cell, before and after")
    public List<CellEditRecord> edits(@RestPath String imageId) {
        return review.edits(imageId).orElseThrow(() -> new NotFoundException("no image " + imageId));
    }

    @POST
    @Path("confirmation")
    @RolesAllowed(Roles.ANALYST)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "The boxes are right", description = "One call: marks the current reviewed cells as"
            + " confirmed by who is signed in (optional body {\"comment\":\"…\",\"runId\":…}); a confirmed or edited"
            + " image is training data (POST /datasets). Audited.")
    public ReviewedImage confirm(@RestPath String imageId, CellConfirmRequest request) {
        return review.confirm(imageId, request, identity.getPrincipal().getName())
                .orElseThrow(() -> new NotFoundException("no image " + imageId));
    }
}
