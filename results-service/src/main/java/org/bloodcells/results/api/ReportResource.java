package org.bloodcells.results.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.bloodcells.http.Roles;
import org.bloodcells.results.audit.PatientDataReads;
import org.bloodcells.results.report.FhirReport;
import org.bloodcells.results.report.SignOffRequest;
import org.bloodcells.results.report.SlideReport;
import org.bloodcells.results.report.SlideReports;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;

import io.quarkus.security.identity.SecurityIdentity;

/** A slide's report (estimates with their intervals, what they rest on) and its sign-off. */
@Path("/slides/{slideId}/report")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ANALYST, Roles.OPS })
public class ReportResource {

    private final SlideReports reports;
    private final PatientDataReads reads;
    private final SecurityIdentity identity;

    public ReportResource(SlideReports reports, PatientDataReads reads, SecurityIdentity identity) {
        this.reports = reports;
        this.reads = reads;
        this.identity = identity;
    }

    @GET
    @Produces({ MediaType.APPLICATION_JSON, FhirReport.MEDIA_TYPE })
    @Operation(summary = "A slide's report", description = "As JSON: fields counted and left out, cells per class,"
            + " mean per field with a 95 % bootstrap interval, platelets per 100 RBC, per-µL estimates where the scale"
            + " is known, the models and review state behind them; its version, sign-off state and signatures. With"
            + " Accept: application/fhir+json, the last signed report in FHIR R4 (a collection Bundle: DiagnosticReport,"
            + " one Observation per result, the slide as Specimen, the scanners as Devices, the signer as a"
            + " Practitioner reference); 404 until it is signed.")
    public Response report(@RestPath String slideId, @Context HttpHeaders headers) {
        reads.listed("slide " + slideId);
        boolean fhir = headers.getAcceptableMediaTypes().stream().findFirst()
                .filter(type -> type.isCompatible(MediaType.valueOf(FhirReport.MEDIA_TYPE)) && !type.isWildcardType())
                .isPresent();
        if (fhir) {
            String bundle = reports.lastSignedAsFhir(slideId).map(FhirReport::json)
                    .orElseThrow(() -> new NotFoundException("no signed report of slide " + slideId));
            return Response.ok(bundle, FhirReport.MEDIA_TYPE).build();
        }
        SlideReport report = reports.report(slideId)
                .orElseThrow(() -> new NotFoundException("no image of slide " + slideId));
        return Response.ok(report, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @POST
    @Path("sign-off")
    @RolesAllowed(Roles.ANALYST)
    @Operation(summary = "Sign a slide's report", description = "version: the report version read; reason: why an"
            + " amended report is signed again; acknowledgeUnreviewed: sign although flagged fields are left out"
            + " unreviewed. 409 when the report changed since or is already signed.")
    public Response signOff(@RestPath String slideId, SignOffRequest request) {
        SlideReport signed = reports.sign(slideId, request, identity.getPrincipal().getName())
                .orElseThrow(() -> new NotFoundException("no image of slide " + slideId));
        return Response.status(Response.Status.CREATED).entity(signed).build();
    }
}
