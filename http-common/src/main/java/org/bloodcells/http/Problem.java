package org.bloodcells.http;

import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The platform's error body, {@code application/problem+json} (RFC 9457 members {@code status}, {@code title},
 * {@code detail}). The status tells the client what to do: 400/413/415/422 fix the request, 503 retry it.
 *
 * @param files one entry per rejected file, when files of an upload were the problem
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(int status, String title, String detail, List<FileProblem> files) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** Seconds a client should wait before retrying after a 503. */
    static final String RETRY_AFTER_SECONDS = "5";

    public Problem(int status, String title, String detail) {
        this(status, title, detail, List.of());
    }

    /** Why one file was rejected; {@code reason} is a stable code, {@code detail} is for people. */
    public record FileProblem(String file, String reason, String detail) {
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }

    /** 503 with {@code Retry-After}: the request was fine, a part of the platform is down for now. */
    public static Response unavailable(String title, String detail) {
        return Response.fromResponse(new Problem(503, title, detail).toResponse())
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .build();
    }
}
