package org.bloodcells.ingest.api;

import java.util.List;

import jakarta.ws.rs.core.Response;

import org.bloodcells.http.Problem;
import org.bloodcells.ingest.messaging.PublishFailed;
import org.bloodcells.ingest.service.ImageRejected;
import org.bloodcells.ingest.service.InvalidUpload;
import org.bloodcells.ingest.service.UploadRejected;
import org.bloodcells.storage.StorageUnavailableException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns ingest's failures into problem bodies whose status tells the client whether to fix the request or retry it. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response rejected(UploadRejected e) {
        List<Problem.FileProblem> files = e.rejections().stream()
                .map(r -> new Problem.FileProblem(r.fileName(), r.reason().name(), r.detail()))
                .toList();
        int status = ImageRejected.httpStatus(e.rejections().get(0).reason());
        return new Problem(status, "Not an acceptable image", e.getMessage(), files).toResponse();
    }

    @ServerExceptionMapper
    public Response invalid(InvalidUpload e) {
        return new Problem(400, "Invalid upload", e.getMessage()).toResponse();
    }

    @ServerExceptionMapper
    public Response storageDown(StorageUnavailableException e) {
        LOG.warnf("Upload refused with 503: %s", e.getMessage());
        return Problem.unavailable("Object storage unavailable", e.getMessage() + "; nothing was lost, retry the upload");
    }

    /** Staging an upload failed on this side (the body broke off, the disk is full): nothing was stored. */
    @ServerExceptionMapper
    public Response stagingFailed(java.io.UncheckedIOException e) {
        LOG.warnf("Upload refused with 503: %s", e.getMessage());
        return Problem.unavailable("Upload not staged", "the upload could not be written to the service's disk;"
                + " nothing was stored, retry the upload");
    }

    @ServerExceptionMapper
    public Response kafkaDown(PublishFailed e) {
        LOG.warnf("Upload refused with 503: %s (%s)", e.getMessage(), e.getCause());
        return Problem.unavailable("Event broker unavailable", e.getMessage() + "; nothing was lost, retry the upload");
    }
}
