package org.bloodcells.results.api;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as a problem body; a database outage tells the client to retry. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Status known = Status.fromStatusCode(status);
        return problem(status, known != null ? known.getReasonPhrase() : "HTTP " + status, e.getMessage());
    }

    @ServerExceptionMapper
    public Response databaseDown(PersistenceException e) {
        LOG.warn("Query failed", e);
        return Response.fromResponse(problem(503, "Results unavailable", "the results database did not answer; retry"))
                .header("Retry-After", "5")
                .build();
    }

    static Response problem(int status, String title, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(new Problem(status, title, detail)).build();
    }
}
