package org.bloodcells.trainer.registry;

/** Where a version stands: a candidate waits for the gate, the promoted one runs on every worker. */
public enum ModelStatus {
    CANDIDATE, PROMOTED, RETIRED
}
