package org.bloodcells.trainer.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.bloodcells.http.Roles;
import org.bloodcells.http.SignedIn;
import org.bloodcells.trainer.registry.ModelRegistry;
import org.bloodcells.trainer.registry.ModelRegistry.Promotion;
import org.bloodcells.trainer.registry.ModelRegistry.PromotionRequest;
import org.bloodcells.trainer.registry.ModelStatus;
import org.bloodcells.trainer.registry.ModelVersion;
import org.bloodcells.trainer.registry.StatusChange;
import org.jboss.resteasy.reactive.RestPath;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The model registry: its versions, their figures and history, and promotion through the gate. Reading it is also
 * open to {@link Roles#REGISTRY_READER} (results-service's own identity); promoting only to ops.
 */
@Path("/models")
@RolesAllowed({ Roles.OPS, Roles.TRAINER })
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    /** A version as the registry describes it; {@code heldBack} is null until it has been measured. */
    public record ModelView(String name, String version, String parentVersion, ModelStatus status, String bucket,
            String objectKey, String sha256, long sizeBytes, List<String> classes, int inputSize, String dataset,
            String datasetFingerprint, String trainingCommand, Map<String, Object> trainingSettings, String origin,
            Instant createdAt, String createdBy, Instant statusChangedAt, String statusChangedBy,
            Map<String, Object> heldBack) {
    }

    /** One status change of a version. */
    public record ChangeView(ModelStatus from, ModelStatus to, Instant at, String by, boolean overridden, String reason,
            JsonNode figures) {
    }

    /** What a promotion did. */
    public record PromotionView(ModelView promoted, String previous, boolean alreadyPromoted, boolean overridden,
            String reason, List<String> gateFailures, Map<String, Object> heldBack, Map<String, Object> previousHeldBack) {
    }

    private final ModelRegistry registry;

    private final SecurityIdentity identity;

    public ModelResource(ModelRegistry registry, SecurityIdentity identity) {
        this.identity = identity;
        this.registry = registry;
    }

    /** Every version of every model, from the registry (no model file is opened to answer). */
    @GET
    @RolesAllowed({ Roles.OPS, Roles.TRAINER, Roles.REGISTRY_READER })
    public List<ModelView> list() {
        return registry.list().stream().map(this::view).toList();
    }

    @GET
    @Path("{name}/{version}")
    @RolesAllowed({ Roles.OPS, Roles.TRAINER, Roles.REGISTRY_READER })
    public ModelView get(@RestPath String name, @RestPath String version) {
        return view(registry.get(name, version));
    }

    @GET
    @Path("{name}/{version}/history")
    @RolesAllowed({ Roles.OPS, Roles.TRAINER, Roles.REGISTRY_READER })
    public List<ChangeView> history(@RestPath String name, @RestPath String version) {
        return registry.history(registry.get(name, version)).stream().map(ModelResource::view).toList();
    }

    /**
     * Promotes the version through the gate; 409 with both versions' figures when the gate refuses. Rolling back is
     * promoting an earlier version (through the same gate, or with an override and its reason).
     */
    @POST
    @Path("{name}/{version}/promote")
    @RolesAllowed(Roles.OPS)
    public PromotionView promote(@RestPath String name, @RestPath String version, PromotionRequest request) {
        PromotionRequest asked = request == null ? new PromotionRequest(null, false, null) : request;
        Promotion done = registry.promote(name, version, new PromotionRequest(
                SignedIn.as("by", asked.by(), identity.getPrincipal().getName()), asked.override(), asked.reason()));
        return new PromotionView(view(done.promoted()), done.previous(), done.alreadyPromoted(), done.overridden(),
                done.reason(), done.gateFailures(),
                done.figures() == null ? null : ModelRegistry.figuresWithoutSummary(done.figures()),
                done.previousFigures() == null ? null : ModelRegistry.figuresWithoutSummary(done.previousFigures()));
    }

    private ModelView view(ModelVersion v) {
        Map<String, Object> heldBack = registry.knownFigures(v).map(ModelRegistry::figuresWithoutSummary).orElse(null);
        return new ModelView(v.name, v.version, v.parentVersion, v.status, v.bucket, v.objectKey, v.sha256, v.sizeBytes,
                v.classes, v.inputSize, v.dataset, v.datasetFingerprint, v.trainingCommand, v.trainingSettings, v.origin,
                v.createdAt, v.createdBy, v.statusChangedAt, v.statusChangedBy, heldBack);
    }

    private static ChangeView view(StatusChange c) {
        return new ChangeView(c.fromStatus, c.toStatus, c.changedAt, c.changedBy, c.overridden, c.reason, c.figures);
    }
}
