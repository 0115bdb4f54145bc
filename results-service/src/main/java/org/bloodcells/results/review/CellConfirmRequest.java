package org.bloodcells.results.review;

/** "These boxes are right", by who is signed in; the body and its comment are optional. */
public record CellConfirmRequest(String comment, Long runId) {
}
