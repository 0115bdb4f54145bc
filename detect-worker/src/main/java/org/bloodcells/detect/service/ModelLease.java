package org.bloodcells.detect.service;

import org.bloodcells.detection.CellDetector;

/**
 * The model a batch runs on from its first image to its last: a new version is swapped in only between batches, and
 * a batch's images are prepared, run and finished by the same detector.
 */
public interface ModelLease extends AutoCloseable {

    CellDetector detector();

    /** Gives the model back; a swap waiting for it may go ahead. */
    @Override
    void close();

    /** Where leases come from. */
    @FunctionalInterface
    interface Source {
        ModelLease lease();
    }

    /** Always the same detector, never swapped. */
    static Source of(CellDetector detector) {
        return () -> new ModelLease() {
            @Override
            public CellDetector detector() {
                return detector;
            }

            @Override
            public void close() {
            }
        };
    }
}
