package org.bloodcells.results.api;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

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
import org.bloodcells.results.query.Grouping;
import org.bloodcells.results.query.ImageFilter;
import org.bloodcells.results.query.ImageSearch;
import org.bloodcells.results.query.InvalidQueryException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestQuery;

/** Images and cells summed per scanner, slide, batch or UTC day, over the images the filters cover. */
@Path("/aggregates")
@RolesAllowed({ Roles.ANALYST, Roles.OPS })
public class AggregateResource {

    /** Days a per-day aggregate covers when the filters give no upload time. */
    static final Duration DEFAULT_DAYS = Duration.ofDays(31);

    private final ImageSearch search;
    private final PatientDataReads reads;

    public AggregateResource(ImageSearch search, PatientDataReads reads) {
        this.search = search;
        this.reads = reads;
    }

    @GET
    @Produces({ MediaType.APPLICATION_JSON, Downloads.CSV })
    @Operation(summary = "Aggregate images", description = "by=scanner|slide|batch|day; counts=reviewed (default:"
            + " an analyst's correction where there is one) or model; per day over the filters' upload range, the"
            + " last 31 days by default; other groupings keyset-paged by key.")
    public Response aggregate(@RestQuery String by, @BeanParam FilterParams filters, @RestQuery String counts,
            @RestQuery Integer limit, @RestQuery String cursor, @RestQuery String format,
            @Context HttpHeaders headers) {
        if (by == null || by.isBlank()) {
            throw new InvalidQueryException("by names what to group by: scanner, slide, batch or day");
        }
        Grouping grouping = Grouping.parse(by);
        boolean reviewed = reviewed(counts);
        ImageFilter filter = filters.filter();
        if (grouping == Grouping.DAY && filter.uploadedFrom() == null && filter.uploadedTo() == null) {
            Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
            filter = filter.uploadedBetween(end.minus(DEFAULT_DAYS), end);
        }
        ImageFilter chosen = filter;
        return Downloads.listOrCsv(reads, "aggregates", format, headers, grouping.label() + "-aggregates.csv",
                out -> search.aggregateCsv(chosen, grouping, reviewed, out),
                () -> search.aggregate(chosen, grouping, reviewed, FilterParams.limit(limit), Cursor.decode(cursor)));
    }

    private static boolean reviewed(String counts) {
        if (counts == null || counts.isBlank() || counts.equalsIgnoreCase("reviewed")) {
            return true;
        }
        if (counts.equalsIgnoreCase("model")) {
            return false;
        }
        throw new InvalidQueryException("counts must be reviewed or model, was " + counts);
    }
}
