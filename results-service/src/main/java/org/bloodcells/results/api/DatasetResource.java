package org.bloodcells.results.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import org.bloodcells.results.dataset.DatasetExport;
import org.bloodcells.results.dataset.DatasetManifest;
import org.bloodcells.results.dataset.DatasetRefusedException;
import org.bloodcells.results.dataset.DatasetRequest;
import org.bloodcells.results.query.ImageFilter;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;

import io.quarkus.security.identity.SecurityIdentity;

/** Analysts' corrections as training data: a PASCAL VOC dataset in the images bucket, for the trainer. */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ANALYST, Roles.OPS })
public class DatasetResource {

    private final DatasetExport export;
    private final SecurityIdentity identity;

    public DatasetResource(DatasetExport export, SecurityIdentity identity) {
        this.export = export;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Write the confirmed and edited images as a training dataset", description = "{\"name\":"
            + "\"site-a-2026-12\", \"scanner\":\"…\"} with any filter of GET /images (from/to: uploadedFrom/"
            + "uploadedTo). Writes datasets/<name>/ in the images bucket: Annotations/<imageId>.xml (the reviewed"
            + " cells), JPEGImages/<imageId>.<ext>, ImageSets/Main/train|val|test.txt (15 % val, 15 % test, fixed"
            + " by image id) and last dataset.json, the manifest returned here (201). 422 when no image matches,"
            + " none is confirmed or edited, or fewer than bloodcells.review.dataset-min-images are; 409 when the"
            + " name is taken. Audited (EXPORT).")
    public Response write(DatasetRequest request) {
        if (request == null) {
            throw new DatasetRefusedException(400, "a dataset needs a JSON body: name and the image list's filters");
        }
        Map<String, Object> given = given(request);
        DatasetManifest manifest = export.write(request, filter(request), given, identity.getPrincipal().getName());
        return Response.status(Response.Status.CREATED).entity(manifest).build();
    }

    @GET
    @Path("{name}")
    @Operation(summary = "A complete dataset's manifest (dataset.json)")
    public DatasetManifest manifest(@RestPath String name) {
        return export.manifest(name).orElseThrow(() -> new NotFoundException("no dataset " + name));
    }

    /** The image list's filters, checked as GET /images checks them (400). */
    static ImageFilter filter(DatasetRequest request) {
        if (request.from() != null && request.uploadedFrom() != null
                || request.to() != null && request.uploadedTo() != null) {
            throw new DatasetRefusedException(400, "from and to are short for uploadedFrom and uploadedTo: give"
                    + " one of each pair");
        }
        FilterParams params = new FilterParams();
        params.scanner = request.scanner();
        params.slide = request.slide();
        params.batch = request.batch();
        params.model = request.model();
        params.version = request.version();
        params.uploadedFrom = request.from() != null ? request.from() : request.uploadedFrom();
        params.uploadedTo = request.to() != null ? request.to() : request.uploadedTo();
        params.detectedFrom = request.detectedFrom();
        params.detectedTo = request.detectedTo();
        params.count = request.count();
        params.review = request.review();
        params.flagged = request.flagged();
        return params.filter();
    }

    /** The filters as the request gave them, for the manifest and the audit trail. */
    static Map<String, Object> given(DatasetRequest request) {
        Map<String, Object> given = new LinkedHashMap<>();
        put(given, "scanner", request.scanner());
        put(given, "slide", request.slide());
        put(given, "batch", request.batch());
        put(given, "model", request.model());
        put(given, "version", request.version());
        put(given, "from", request.from());
        put(given, "to", request.to());
        put(given, "uploadedFrom", request.uploadedFrom());
        put(given, "uploadedTo", request.uploadedTo());
        put(given, "detectedFrom", request.detectedFrom());
        put(given, "detectedTo", request.detectedTo());
        put(given, "count", request.count() == null || request.count().isEmpty() ? null : List.copyOf(request.count()));
        put(given, "review", request.review());
        put(given, "flagged", request.flagged());
        return given;
    }

    private static void put(Map<String, Object> given, String key, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            given.put(key, value);
        }
    }
}
