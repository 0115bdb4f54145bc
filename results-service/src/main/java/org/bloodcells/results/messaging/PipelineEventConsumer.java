package org.bloodcells.results.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Topics;
import org.bloodcells.results.service.ResultRecorder;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Receives the pipeline's events and hands them to {@link ResultRecorder}. A record that does not
 * deserialize arrives as null (fail-on-deserialization-failure=false): it is logged and skipped
 * so it cannot block its partition. Any other failure (database down) fails the channel, the
 * offset is not committed, and the event is re-delivered after restart.
 */
@ApplicationScoped
public class PipelineEventConsumer {

    private static final Logger LOG = Logger.getLogger(PipelineEventConsumer.class);

    private final ResultRecorder recorder;

    public PipelineEventConsumer(ResultRecorder recorder) {
        this.recorder = recorder;
    }

    @Incoming(Topics.IMAGES_UPLOADED)
    @Blocking
    @Transactional
    public void onImageUploaded(ImageUploaded event) {
        if (event == null) {
            LOG.errorf("Skipping an unreadable record on %s", Topics.IMAGES_UPLOADED);
            return;
        }
        recorder.recordUpload(event);
    }

    @Incoming(Topics.CELL_DETECTIONS)
    @Blocking
    @Transactional
    public void onCellDetections(CellDetections event) {
        if (event == null) {
            LOG.errorf("Skipping an unreadable record on %s", Topics.CELL_DETECTIONS);
            return;
        }
        recorder.recordDetections(event);
    }

    @Incoming(Topics.DEAD_LETTERS)
    @Blocking
    @Transactional
    public void onDeadLetter(DeadLetter event) {
        if (event == null) {
            LOG.errorf("Skipping an unreadable record on %s", Topics.DEAD_LETTERS);
            return;
        }
        recorder.recordDeadLetter(event);
    }
}
