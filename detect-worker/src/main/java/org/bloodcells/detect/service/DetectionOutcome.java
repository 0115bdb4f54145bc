package org.bloodcells.detect.service;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;

/** What became of one {@code ImageUploaded} event: either its detections or its dead letter. */
public sealed interface DetectionOutcome {

    record Detected(CellDetections detections) implements DetectionOutcome {
    }

    record DeadLettered(DeadLetter deadLetter) implements DetectionOutcome {
    }
}
