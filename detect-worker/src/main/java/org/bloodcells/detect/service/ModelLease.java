package org.bloodcells.detect.service;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.events.ModelRef;

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
        /** The running model. */
        ModelLease lease();

        /**
         * The given version (a batch re-processed with a chosen version), the running model when it is that version.
         *
         * @throws ModelUnavailableException when this worker cannot run that version
         */
        default ModelLease lease(ModelRef version) {
            try (ModelLease running = lease()) {
                if (version == null || version.sha256().equalsIgnoreCase(running.sha256())) {
                    return lease();
                }
            }
            throw new ModelUnavailableException(version, "this worker runs only its own model");
        }
    }

    /** SHA-256 of the leased model's file, null where not known. */
    default String sha256() {
        return null;
    }

    /** A version a worker was asked to run and cannot. */
    class ModelUnavailableException extends RuntimeException {
        public ModelUnavailableException(ModelRef version, String reason) {
            super("model " + version.name() + " " + version.version() + " cannot be run here: " + reason);
        }
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
