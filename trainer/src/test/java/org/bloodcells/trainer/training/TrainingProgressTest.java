package org.bloodcells.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TrainingProgressTest {

    @Test
    void anEpochLineGivesEpochStepLossesAndLearningRate() {
        Map<String, Object> p = TrainingProgress.parse(
                "epoch   3/100 step   120 cls 0.4123 box 0.0312 lr 1.98e-03 42s").orElseThrow();
        assertEquals(3, p.get("epoch"));
        assertEquals(100, p.get("epochs"));
        assertEquals(120, p.get("step"));
        assertEquals(0.4123, p.get("clsLoss"));
        assertEquals(0.0312, p.get("boxLoss"));
        assertEquals(1.98e-3, p.get("lr"));
        assertTrue(!p.containsKey("valAp50"));
    }

    @Test
    void anEpochLineWithAValidationCheckGivesItsAp() {
        Map<String, Object> p = TrainingProgress.parse(
                "epoch  10/300 step   400 cls 0.2000 box 0.0200 lr 2.00e-03 40s | val AP50 0.8123 AP 0.4521").orElseThrow();
        assertEquals(0.8123, p.get("valAp50"));
        assertEquals(0.4521, p.get("valAp"));
    }

    @Test
    void otherLinesAreNotProgress() {
        assertTrue(TrainingProgress.parse("training EfficientDet-D0 on 205 images (train), scale 512").isEmpty());
    }

    @Test
    void aRequestNeedsADatasetAndEitherEpochsOrMinutes() {
        TrainingRequest none = new TrainingRequest(null, false, null, null, null, null, null, null, null, null, null,
                null, null, null);
        assertEquals(2, none.problems().size(), none.problems().toString());
        TrainingRequest both = new TrainingRequest("bccd", false, null, null, 3, 1.0, 1, null, null, null, null, null,
                null, null);
        assertEquals(1, both.problems().size(), both.problems().toString());
        TrainingRequest traversal = new TrainingRequest("../etc", false, null, null, 3, null, 1, null, null, null,
                null, null, null, null);
        assertEquals(1, traversal.problems().size(), traversal.problems().toString());
        assertTrue(new TrainingRequest("bccd", false, null, null, 3, null, 1, 2, 256, 4, 2, 0, null, "ops").problems()
                .isEmpty());
    }
}
