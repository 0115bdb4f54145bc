package org.bloodcells.events;

import java.time.Instant;

/**
 * A worker could not run a version it was told to (promoted or asked for by a re-processing request) and keeps the
 * one it runs.
 *
 * @param model      the version refused
 * @param workerId   the replica that refused it
 * @param running    the version that replica keeps running
 * @param reason     why: checksum mismatch, contract violation, unreadable file, storage error
 * @param rejectedAt when
 */
public record ModelRejected(ModelRef model, String workerId, String running, String reason, Instant rejectedAt) {
}
