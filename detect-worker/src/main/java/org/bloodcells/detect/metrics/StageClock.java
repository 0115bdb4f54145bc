package org.bloodcells.detect.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import org.bloodcells.detect.metrics.WorkerMetrics.Stage;

/**
 * Times the stages one thread takes an image through, in wall time and in the thread's own CPU time. The two differ
 * where the thread waits (for object storage, for Kafka) or where other threads (the model's runs) take the cores from
 * it; the CPU time is the work a stage costs, which is what sizes the CPUs a worker needs beside its accelerator.
 * Not thread-safe: one per image and thread.
 */
public final class StageClock {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

    private long wall;
    private long cpu;

    private StageClock() {
        wall = System.nanoTime();
        cpu = cpuNow();
    }

    public static StageClock start() {
        return new StageClock();
    }

    /** Records the time since the start or the last lap as {@code stage}'s, and starts the next lap. */
    public void lap(WorkerMetrics metrics, Stage stage) {
        lap(metrics, stage, 0);
    }

    /**
     * Like {@link #lap(WorkerMetrics, Stage)}, with {@code elsewhere} nanoseconds of the same stage's work done on
     * another thread (one pass of computation, its wall time taken as its CPU time).
     */
    public void lap(WorkerMetrics metrics, Stage stage, long elsewhere) {
        long wallNow = System.nanoTime();
        long cpuNow = cpuNow();
        metrics.time(stage, wallNow - wall + elsewhere, CPU_TIME ? cpuNow - cpu + elsewhere : -1);
        wall = wallNow;
        cpu = cpuNow;
    }

    /** Records the time since the start or the last lap as {@code images} images' share of {@code stage} each. */
    public void lapShared(WorkerMetrics metrics, Stage stage, int images) {
        long wallNow = System.nanoTime();
        long cpuNow = cpuNow();
        for (int i = 0; i < images; i++) {
            metrics.time(stage, (wallNow - wall) / images, CPU_TIME ? (cpuNow - cpu) / images : -1);
        }
        wall = wallNow;
        cpu = cpuNow;
    }

    private static long cpuNow() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : 0;
    }
}
