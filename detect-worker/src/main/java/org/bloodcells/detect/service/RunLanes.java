package org.bloodcells.detect.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * The model runs a batch may have at once. The batch's loop waits for a lane before it gathers a micro-batch; an
 * image's further look ({@code DetectionStep.RunAgain}) asks for one without holding a thread, so that post-processing
 * threads never wait on the loop that waits on them, and is served first, since it finishes an image already begun.
 */
final class RunLanes {

    private final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int free;
    private boolean opened;

    RunLanes(int lanes) {
        this.free = lanes;
    }

    /** Waits for a lane. */
    synchronized void acquire() throws InterruptedException {
        while (free == 0) {
            wait();
        }
        free--;
    }

    /** A lane once one is free; complete at once where one is. */
    synchronized CompletableFuture<Void> next() {
        if (opened) {
            return CompletableFuture.completedFuture(null);
        }
        if (free > 0) {
            free--;
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> lane = new CompletableFuture<>();
        waiting.add(lane);
        return lane;
    }

    /** Gives a lane back: to the first further look waiting for one, else to whoever asks next. */
    void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                free++;
                notifyAll();
                return;
            }
        }
        next.complete(null);
    }

    /**
     * Lets everyone waiting, and everyone who asks from now, through at once: for a batch that failed, whose waiting
     * looks must end (they run nothing once the batch is abandoned) rather than wait for lanes nobody gives back.
     */
    void open() {
        List<CompletableFuture<Void>> released;
        synchronized (this) {
            opened = true;
            released = new ArrayList<>(waiting);
            waiting.clear();
        }
        released.forEach(lane -> lane.complete(null));
    }
}
