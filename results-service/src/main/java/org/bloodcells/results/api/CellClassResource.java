package org.bloodcells.results.api;

import java.util.Arrays;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.bloodcells.http.Roles;
import org.bloodcells.results.service.CellClass;

/** The cell classes with the colour the overlays and charts draw them in. */
@Path("/cell-classes")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ANALYST, Roles.OPS })
public class CellClassResource {

    public record Described(String label, String colour) {
    }

    @GET
    public List<Described> classes() {
        return Arrays.stream(CellClass.values()).map(c -> new Described(c.label(), c.colour())).toList();
    }
}
