package org.bloodcells.trainer.training;

public enum TrainingStatus {
    RUNNING, SUCCEEDED, FAILED, CANCELLED
}
