package org.bloodcells.ingest.api;

import java.util.List;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.bloodcells.ingest.messaging.PublishFailed;
import org.bloodcells.ingest.service.ImageRejected;
import org.bloodcells.ingest.service.InvalidUpload;
import org.bloodcells.ingest.service.UploadRejected;
import org.bloodcells.storage.StorageUnavailableException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns failures into problem bodies whose status tells the client whether to fix the request or retry it. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    /** Seconds a client should wait before retrying after a 503. */
    private static final String RETRY_AFTER_SECONDS = "5";

    @ServerExceptionMapper
    public Response rejected(UploadRejected e) {
        List<Problem.FileProblem> files = e.rejections().stream()
                .map(r -> new Problem.FileProblem(r.fileName(), r.reason().name(), r.detail()))
                .toList();
        int status = statusOf(e.rejections().get(0).reason());
        return problem(new Problem(status, "Not an acceptable image", e.getMessage(), files));
    }

    @ServerExceptionMapper
    public Response invalid(InvalidUpload e) {
        return problem(new Problem(400, "Invalid upload", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response storageDown(StorageUnavailableException e) {
        LOG.warnf("Upload refused with 503: %s", e.getMessage());
        return unavailable("Object storage unavailable", e.getMessage());
    }

    @ServerExceptionMapper
    public Response kafkaDown(PublishFailed e) {
        LOG.warnf("Upload refused with 503: %s (%s)", e.getMessage(), e.getCause());
        return unavailable("Event broker unavailable", e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Status known = Status.fromStatusCode(status);
        return problem(new Problem(status, known != null ? known.getReasonPhrase() : "HTTP " + status, e.getMessage()));
    }

    static int statusOf(ImageRejected.Reason reason) {
        return switch (reason) {
            case TOO_LARGE -> 413;
            case NOT_AN_IMAGE, UNSUPPORTED_FORMAT -> 415;
            case TOO_MANY_PIXELS, CORRUPT -> 422;
        };
    }

    private static Response unavailable(String title, String detail) {
        return Response.fromResponse(problem(new Problem(503, title, detail + "; nothing was lost, retry the upload")))
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .build();
    }

    private static Response problem(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
