package org.bloodcells.results.api;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;

import org.bloodcells.http.Problem;
import org.bloodcells.results.dataset.DatasetRefusedException;
import org.bloodcells.results.evidence.Evidence;
import org.bloodcells.results.query.ImageSearch;
import org.bloodcells.results.query.InvalidQueryException;
import org.bloodcells.results.review.ReviewRefusedException;
import org.bloodcells.results.service.Reprocessing;
import org.bloodcells.storage.StorageUnavailableException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A database or storage outage tells the client to retry; a query or review that cannot be answered as sent says why
 * (400/409). The REST layer's own errors are mapped by http-common.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response databaseDown(PersistenceException e) {
        LOG.warn("Query failed", e);
        return Problem.unavailable("Results unavailable", "the results database did not answer; retry");
    }

    @ServerExceptionMapper
    public Response searchDown(ImageSearch.SearchUnavailableException e) {
        LOG.warn("Search failed", e);
        return Problem.unavailable("Results unavailable", "the results database did not answer; retry");
    }

    @ServerExceptionMapper
    public Response storageDown(StorageUnavailableException e) {
        LOG.warn("Image read failed", e);
        return Problem.unavailable("Image storage unavailable", "the image could not be read from storage; retry");
    }

    @ServerExceptionMapper
    public Response overlaysBusy(Evidence.OverlaysBusyException e) {
        return Problem.unavailable("Overlays busy", e.getMessage());
    }

    @ServerExceptionMapper
    public Response invalidQuery(InvalidQueryException e) {
        return new Problem(400, "Invalid query", e.getMessage()).toResponse();
    }

    @ServerExceptionMapper
    public Response reviewRefused(ReviewRefusedException e) {
        return new Problem(e.status(), e.status() == 409 ? "Review not possible now" : "Invalid review",
                e.getMessage()).toResponse();
    }

    @ServerExceptionMapper
    public Response signOffRefused(org.bloodcells.results.report.ReportRefusedException e) {
        String title = switch (e.status()) {
            case 409 -> "Report changed or already signed";
            case 422 -> "Nothing to sign as it is";
            default -> "Invalid sign-off";
        };
        return new Problem(e.status(), title, e.getMessage()).toResponse();
    }

    @ServerExceptionMapper
    public Response datasetRefused(DatasetRefusedException e) {
        String title = switch (e.status()) {
            case 409 -> "Dataset exists";
            case 422 -> "No dataset from these images";
            default -> "Invalid dataset";
        };
        return new Problem(e.status(), title, e.getMessage()).toResponse();
    }

    @ServerExceptionMapper
    public Response registryDown(Reprocessing.RegistryUnavailableException e) {
        LOG.warn("Registry call failed", e);
        return Problem.unavailable("Model registry unavailable", e.getMessage());
    }
}
