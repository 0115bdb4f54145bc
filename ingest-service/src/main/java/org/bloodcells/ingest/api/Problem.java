package org.bloodcells.ingest.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Problem-style error body (RFC 9457 members {@code status}, {@code title}, {@code detail}).
 *
 * @param files one entry per rejected file, when files were the problem
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(int status, String title, String detail, List<FileProblem> files) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem(int status, String title, String detail) {
        this(status, title, detail, List.of());
    }

    /** Why one file was rejected; {@code reason} is a stable code, {@code detail} is for people. */
    public record FileProblem(String file, String reason, String detail) {
    }
}
