package org.bloodcells.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Errors raised by the REST layer itself (404 for an unknown path or id, 405, 406, a malformed request) leave as
 * {@link Problem} bodies too, in every service that depends on this module.
 */
public class WebErrorMapper {

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Status known = Status.fromStatusCode(status);
        return new Problem(status, known != null ? known.getReasonPhrase() : "HTTP " + status, e.getMessage())
                .toResponse();
    }
}
