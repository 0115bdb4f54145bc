package org.bloodcells.results.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.bloodcells.http.Roles;
import org.bloodcells.results.audit.PatientDataReads;
import org.bloodcells.results.query.Cursor;
import org.bloodcells.results.query.ImageSearch;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The review queue: DONE images with review flags that nobody has reviewed yet, those whose counts are most likely
 * wrong (the worker's doubt) first.
 */
@Path("/review")
@RolesAllowed({ Roles.ANALYST, Roles.OPS })
public class ReviewQueueResource {

    private static final ImageSearch.Order MOST_DOUBTFUL_FIRST = new ImageSearch.Order(ImageSearch.SortKey.DOUBT,
            true);

    private final ImageSearch search;
    private final PatientDataReads reads;

    public ReviewQueueResource(ImageSearch search, PatientDataReads reads) {
        this.search = search;
        this.reads = reads;
    }

    @GET
    @Produces({ MediaType.APPLICATION_JSON, Downloads.CSV })
    @Operation(summary = "The review queue", description = "Flagged DONE images not yet reviewed, most doubtful first;"
            + " the same filters as /images.")
    public Response queue(@BeanParam FilterParams filters, @RestQuery Integer limit, @RestQuery String cursor,
            @RestQuery String format, @Context HttpHeaders headers) {
        var filter = filters.filter().queue();
        return Downloads.listOrCsv(reads, "review queue", format, headers, "review-queue.csv",
                out -> search.csv(filter, MOST_DOUBTFUL_FIRST, out),
                () -> search.list(filter, MOST_DOUBTFUL_FIRST, FilterParams.limit(limit), Cursor.decode(cursor)));
    }
}
