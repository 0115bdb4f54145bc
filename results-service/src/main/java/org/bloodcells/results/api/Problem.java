package org.bloodcells.results.api;

/** Problem-style error body (RFC 9457 members {@code status}, {@code title}, {@code detail}). */
public record Problem(int status, String title, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
