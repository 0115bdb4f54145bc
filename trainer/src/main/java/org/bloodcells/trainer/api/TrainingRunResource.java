package org.bloodcells.trainer.api;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.bloodcells.http.Roles;
import org.bloodcells.http.SignedIn;
import org.bloodcells.trainer.training.TrainingRequest;
import org.bloodcells.trainer.training.TrainingRun;
import org.bloodcells.trainer.training.TrainingRuns;
import org.bloodcells.trainer.training.TrainingStatus;
import org.jboss.resteasy.reactive.RestPath;

/** Training runs: start one (202), follow its progress, read its log, cancel it. */
@Path("/training-runs")
@RolesAllowed({ Roles.TRAINER, Roles.OPS })
@Produces(MediaType.APPLICATION_JSON)
public class TrainingRunResource {

    /** A run as the API shows it; the log is its own resource. */
    public record RunView(long id, TrainingStatus status, String dataset, String baseVersion, TrainingRequest settings,
            String command, String replica, Map<String, Object> progress, String modelName, String modelVersion,
            String error, Instant startedAt, Instant finishedAt, String startedBy) {

        static RunView of(TrainingRun run) {
            return new RunView(run.id, run.status, run.dataset, run.baseVersion, run.settings, run.command, run.replica,
                    run.progress, run.modelName, run.modelVersion, run.error, run.startedAt, run.finishedAt,
                    run.startedBy);
        }
    }

    private final TrainingRuns runs;

    private final SecurityIdentity identity;

    public TrainingRunResource(TrainingRuns runs, SecurityIdentity identity) {
        this.identity = identity;
        this.runs = runs;
    }

    @POST
    @RolesAllowed(Roles.TRAINER)
    public Response start(TrainingRequest request) {
        if (request == null) {
            throw new BadRequestException("a training request is JSON: dataset, epochs or minutes, seed, ...");
        }
        TrainingRun run = runs.start(request.startedBy(SignedIn.as("startedBy", request.startedBy(),
                identity.getPrincipal().getName())));
        return Response.accepted(RunView.of(run)).location(URI.create("/training-runs/" + run.id)).build();
    }

    @GET
    public List<RunView> recent() {
        return runs.recent().stream().map(RunView::of).toList();
    }

    @GET
    @Path("{id}")
    public RunView get(@RestPath long id) {
        return RunView.of(runs.get(id));
    }

    @GET
    @Path("{id}/log")
    @Produces(MediaType.TEXT_PLAIN)
    public String log(@RestPath long id) {
        return runs.get(id).log;
    }

    @POST
    @Path("{id}/cancel")
    @RolesAllowed({ Roles.TRAINER, Roles.OPS })
    public RunView cancel(@RestPath long id) {
        return RunView.of(runs.cancel(id));
    }
}
