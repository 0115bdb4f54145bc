package org.bloodcells.detect.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class RunLanesTest {

    @Test
    void aFurtherLookWaitsWhileEveryLaneRunsAndGetsTheFirstOneGivenBack() throws Exception {
        RunLanes lanes = new RunLanes(1);
        lanes.acquire();
        CompletableFuture<Void> look = lanes.next();
        assertFalse(look.isDone(), "the only lane is taken");

        lanes.release();

        assertTrue(look.isDone(), "the lane went to the waiting look");
        assertFalse(lanes.next().isDone(), "and is still taken, by the look");
    }

    @Test
    void aLaneGivenBackWithNoLookWaitingIsFreeForTheNextRun() throws Exception {
        RunLanes lanes = new RunLanes(2);
        assertTrue(lanes.next().isDone());
        lanes.acquire();
        assertFalse(lanes.next().isDone(), "two lanes, two runs");

        RunLanes one = new RunLanes(1);
        one.acquire();
        one.release();
        assertTrue(one.next().isDone());
    }

    @Test
    void aFailedBatchLetsItsWaitingLooksThroughSoThatTheyCanEnd() throws Exception {
        RunLanes lanes = new RunLanes(1);
        lanes.acquire();
        CompletableFuture<Void> waiting = lanes.next();

        lanes.open();

        assertTrue(waiting.isDone());
        assertTrue(lanes.next().isDone(), "nothing waits on a failed batch's lanes");
    }
}
