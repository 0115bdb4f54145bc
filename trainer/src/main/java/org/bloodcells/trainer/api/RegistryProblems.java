package org.bloodcells.trainer.api;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;

import org.bloodcells.http.Problem;
import org.bloodcells.storage.StorageUnavailableException;
import org.bloodcells.trainer.promotion.PromotionRefusedException;
import org.bloodcells.trainer.registry.ModelRegistry;
import org.bloodcells.trainer.site.SiteDatasetException;
import org.bloodcells.trainer.training.TrainingRuns;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The trainer's errors as problem+json: 409 for the gate and busy replicas, 422 for a site dataset a fine-tune cannot
 * use, 503 for a store that is down.
 */
public class RegistryProblems {

    /** A refused promotion: both versions' figures and why, so the caller can decide on an override. */
    @ServerExceptionMapper
    public Response refused(PromotionRefusedException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", 409);
        body.put("title", "Promotion refused");
        body.put("detail", e.getMessage());
        body.put("candidate", e.candidate());
        body.put("promoted", e.promoted());
        body.put("failures", e.failures());
        body.put("candidateHeldBack", e.candidateFigures() == null ? null
                : ModelRegistry.figuresWithoutSummary(e.candidateFigures()));
        body.put("promotedHeldBack", e.promotedFigures() == null ? null
                : ModelRegistry.figuresWithoutSummary(e.promotedFigures()));
        body.put("overridable", e.overridable());
        return Response.status(409).type(Problem.MEDIA_TYPE).entity(body).build();
    }

    @ServerExceptionMapper
    public Response busy(TrainingRuns.BusyException e) {
        return new Problem(409, "Training run conflict", e.getMessage()).toResponse();
    }

    /** A site dataset the fine-tune cannot use: the export is the caller's to fix (or to wait for). */
    @ServerExceptionMapper
    public Response siteDataset(SiteDatasetException e) {
        return new Problem(422, "Site dataset unusable", e.getMessage()).toResponse();
    }

    @ServerExceptionMapper
    public Response conflict(ModelRegistry.VersionConflictException e) {
        return new Problem(409, "Version conflict", e.getMessage()).toResponse();
    }

    @ServerExceptionMapper
    public Response storage(StorageUnavailableException e) {
        return Problem.unavailable("Model storage unavailable", e.getMessage());
    }

    @ServerExceptionMapper
    public Response database(PersistenceException e) {
        return Problem.unavailable("Registry unavailable", "the registry database did not answer; retry");
    }
}
