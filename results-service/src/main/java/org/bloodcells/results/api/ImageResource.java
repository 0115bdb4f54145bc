package org.bloodcells.results.api;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.bloodcells.http.Roles;
import org.bloodcells.results.audit.PatientDataReads;
import org.bloodcells.results.evidence.DetectionEvidence;
import org.bloodcells.results.evidence.Evidence;
import org.bloodcells.results.query.Cursor;
import org.bloodcells.results.query.ImageSearch;
import org.bloodcells.results.query.InvalidQueryException;
import org.bloodcells.results.review.ReviewRecord;
import org.bloodcells.results.review.ReviewRequest;
import org.bloodcells.results.review.Reviews;
import org.bloodcells.results.service.CellClass;
import org.bloodcells.results.service.ImageDeletion;
import org.bloodcells.results.service.ImageResult;
import org.bloodcells.results.service.ResultReader;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import io.quarkus.security.identity.SecurityIdentity;

/** Images: listed by filters, one in full, the evidence behind its counts, and analysts' reviews of them. */
@Path("/images")
@RolesAllowed({ Roles.ANALYST, Roles.OPS })
public class ImageResource {

    /** Widest overlay drawn; wider images are scaled down. */
    static final int MOST_OVERLAY_WIDTH = 4000;
    static final int DEFAULT_OVERLAY_WIDTH = 1600;

    private final ImageSearch search;
    private final ResultReader reader;
    private final Evidence evidence;
    private final Reviews reviews;
    private final SecurityIdentity identity;
    private final ImageDeletion deletion;
    private final PatientDataReads reads;

    public ImageResource(ImageSearch search, ResultReader reader, Evidence evidence, Reviews reviews,
            SecurityIdentity identity, ImageDeletion deletion, PatientDataReads reads) {
        this.reads = reads;
        this.identity = identity;
        this.deletion = deletion;
        this.search = search;
        this.reader = reader;
        this.evidence = evidence;
        this.reviews = reviews;
    }

    @GET
    @Produces({ MediaType.APPLICATION_JSON, Downloads.CSV })
    @Operation(summary = "List images", description = "Filtered, sorted by uploadedAt or detectedAt (order desc or"
            + " asc), keyset-paged: pass the page's next as cursor. format=csv (or Accept: text/csv) streams every"
            + " matching image.")
    public Response list(@BeanParam FilterParams filters, @RestQuery String sort, @RestQuery String order,
            @RestQuery Integer limit, @RestQuery String cursor, @RestQuery String format,
            @Context HttpHeaders headers) {
        ImageSearch.Order ordering = new ImageSearch.Order(ImageSearch.SortKey.parse(sort), descending(order));
        var filter = filters.filter();
        return Downloads.listOrCsv(reads, "images", format, headers, "images.csv",
                out -> search.csv(filter, ordering, out),
                () -> search.list(filter, ordering, FilterParams.limit(limit), Cursor.decode(cursor)));
    }

    @GET
    @Path("{imageId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One image: status, scanner, slide, batch, failure, and its current run in full")
    public ImageResult image(@RestPath String imageId) {
        return reader.image(imageId).orElseThrow(() -> new NotFoundException("no image " + imageId));
    }

    @GET
    @Path("{imageId}/detections")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The boxes behind the counts", description = "Every box of the current run, whether it is"
            + " counted, and the model version and thresholds that produced them.")
    public DetectionEvidence detections(@RestPath String imageId) {
        return evidence.detections(imageId)
                .orElseThrow(() -> new NotFoundException("no detections of image " + imageId));
    }

    @GET
    @Path("{imageId}/overlay.png")
    @Produces("image/png")
    @Operation(summary = "The boxes drawn over the image", description = "classes: the classes to draw, comma"
            + " separated (all by default, none when empty); solid boxes are counted, dashed ones are below their"
            + " class's count threshold. width: scaled down to at most this many pixels (1600 by default).")
    public Response overlay(@RestPath String imageId, @RestQuery String classes, @RestQuery Integer width) {
        int maxWidth = width == null ? DEFAULT_OVERLAY_WIDTH : width;
        if (maxWidth < 16 || maxWidth > MOST_OVERLAY_WIDTH) {
            throw new InvalidQueryException("width must be within 16.." + MOST_OVERLAY_WIDTH + ", was " + width);
        }
        byte[] png = evidence.overlay(imageId, shown(classes), maxWidth)
                .orElseThrow(() -> new NotFoundException("no detections of image " + imageId));
        CacheControl cache = new CacheControl();
        cache.setPrivate(true);
        cache.setMaxAge(60);
        return Response.ok(png, "image/png").cacheControl(cache).build();
    }

    @GET
    @Path("{imageId}/image")
    @Produces({ "image/jpeg", "image/png", "image/tiff", MediaType.APPLICATION_OCTET_STREAM })
    @Operation(summary = "The stored image as uploaded", description = "The bytes in storage with their content type:"
            + " the page cuts the gallery's cell crops from them.")
    public Response original(@RestPath String imageId) {
        Evidence.Original original = evidence.original(imageId)
                .orElseThrow(() -> new NotFoundException("no stored image " + imageId));
        CacheControl cache = new CacheControl();
        cache.setPrivate(true);
        cache.setMaxAge(300);
        return Response.ok(original.bytes(), original.contentType()).cacheControl(cache).build();
    }

    @RolesAllowed({ Roles.ANALYST })
    @POST
    @Path("{imageId}/review")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Confirm or correct an image's counts", description = "CONFIRMED: the model's counts"
            + " stand (an earlier correction is withdrawn); CORRECTED: counts names the classes whose count changes."
            + " Stored beside the model's counts and audited (GET .../reviews).")
    public ReviewRecord review(@RestPath String imageId, ReviewRequest request) {
        return reviews.review(imageId, request, identity.getPrincipal().getName())
                .orElseThrow(() -> new NotFoundException("no image " + imageId));
    }

    @DELETE
    @Path("{imageId}")
    @RolesAllowed(Roles.OPS)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Delete an image for good (ops)", description = "Removes its object and upload marker from"
            + " storage, then its detection runs, reviews and memberships; events still in flight do not bring it"
            + " back, a new upload of the same bytes does. Audited (GET /audit?action=DELETION).")
    public ImageDeletion.Deleted delete(@RestPath String imageId) {
        return deletion.delete(imageId, identity.getPrincipal().getName())
                .orElseThrow(() -> new NotFoundException("no image " + imageId));
    }

    @GET
    @Path("{imageId}/reviews")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every review of an image's counts, oldest first")
    public List<ReviewRecord> reviews(@RestPath String imageId) {
        return reviews.history(imageId).orElseThrow(() -> new NotFoundException("no image " + imageId));
    }

    static boolean descending(String order) {
        if (order == null || order.isBlank() || order.equalsIgnoreCase("desc")) {
            return true;
        }
        if (order.equalsIgnoreCase("asc")) {
            return false;
        }
        throw new InvalidQueryException("order must be asc or desc, was " + order);
    }

    /** The classes a comma-separated list names; every class when null. */
    static Set<CellClass> shown(String classes) {
        if (classes == null) {
            return EnumSet.allOf(CellClass.class);
        }
        Set<CellClass> shown = EnumSet.noneOf(CellClass.class);
        Arrays.stream(classes.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .forEach(name -> shown.add(CellClass.named(name).orElseThrow(() -> new InvalidQueryException(
                        "classes names no cell class " + name + " (classes: RBC, WBC, Platelets)"))));
        return shown;
    }
}
