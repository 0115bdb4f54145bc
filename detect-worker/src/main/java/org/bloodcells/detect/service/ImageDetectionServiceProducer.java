package org.bloodcells.detect.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.bloodcells.detect.config.DetectWorkerConfig;
import org.bloodcells.detect.metrics.WorkerMetrics;
import org.bloodcells.detect.model.DetectionModel;
import org.bloodcells.detect.storage.ImageStore;
import org.bloodcells.detection.ScannerScales;
import org.bloodcells.storage.StorageConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;

/** Wires the plain {@link ImageDetectionService} into the container, with its CPU pool and fetch budget. */
public class ImageDetectionServiceProducer {

    static final String PREPARE_POOL = "prepare-pool";
    static final String MODEL_POOL = "model-pool";

    @Produces
    @Singleton
    @Named(PREPARE_POOL)
    ExecutorService preparePool(DetectWorkerConfig config) {
        return pool("detect-prepare-", config.worker().prepareThreads(), "bloodcells.worker.prepare-threads");
    }

    @Produces
    @Singleton
    @Named(MODEL_POOL)
    ExecutorService modelPool(DetectWorkerConfig config) {
        return pool("detect-model-", config.detector().parallelRuns(), "bloodcells.detector.parallel-runs");
    }

    private static ExecutorService pool(String prefix, int threads, String setting) {
        if (threads < 1) {
            throw new IllegalStateException(setting + " must be at least 1, was " + threads);
        }
        AtomicInteger count = new AtomicInteger();
        ThreadFactory named = task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return Executors.newFixedThreadPool(threads, named);
    }

    void closePreparePool(@Disposes @Named(PREPARE_POOL) ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
    }

    void closeModelPool(@Disposes @Named(MODEL_POOL) ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
    }

    @Produces
    @Singleton
    WorkerMetrics workerMetrics(MeterRegistry registry) {
        return new WorkerMetrics(registry);
    }

    @Produces
    @Singleton
    ScannerScales scannerScales() {
        return new ScannerScales();
    }

    @Produces
    @Singleton
    ImageDetectionService imageDetectionService(ImageStore store, DetectionModel model, ObjectMapper json,
            DetectWorkerConfig config, StorageConfig storage, @Named(PREPARE_POOL) ExecutorService pool,
            @Named(MODEL_POOL) ExecutorService modelPool, WorkerMetrics metrics, ScannerScales scannerScales,
            @ConfigProperty(name = "mp.messaging.incoming.images-uploaded.throttled.unprocessed-record-max-age.ms")
            long maxRecordAgeMillis) {
        StorageBudget budget = new StorageBudget(Duration.ofMillis(maxRecordAgeMillis), storage.connectTimeout(),
                storage.timeout(), config.worker().publishTimeout()).check();
        ImageDetectionService.Pipeline pipeline;
        try {
            pipeline = new ImageDetectionService.Pipeline(config.detector().batchSize(),
                    config.detector().batchWait(), config.detector().parallelRuns(), config.worker().fetchAttempts(),
                    budget.fetchBudget());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Invalid bloodcells.detector / bloodcells.worker settings: "
                    + e.getMessage(), e);
        }
        return new ImageDetectionService(store, model, json, storage.bucket(),
                config.worker().id().orElseGet(ImageDetectionServiceProducer::hostName), Clock.systemUTC(), pool,
                modelPool, pipeline, metrics, scannerScales);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment != null ? fromEnvironment : "detect-worker";
        }
    }
}
