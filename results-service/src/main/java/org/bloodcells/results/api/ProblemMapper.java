package org.bloodcells.results.api;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;

import org.bloodcells.http.Problem;
import org.bloodcells.results.service.Reprocessing;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A database outage tells the client to retry; the REST layer's own errors are mapped by http-common. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response databaseDown(PersistenceException e) {
        LOG.warn("Query failed", e);
        return Problem.unavailable("Results unavailable", "the results database did not answer; retry");
    }

    @ServerExceptionMapper
    public Response registryDown(Reprocessing.RegistryUnavailableException e) {
        LOG.warn("Registry call failed", e);
        return Problem.unavailable("Model registry unavailable", e.getMessage());
    }
}
