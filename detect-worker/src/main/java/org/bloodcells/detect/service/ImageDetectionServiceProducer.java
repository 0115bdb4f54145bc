package org.bloodcells.detect.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.bloodcells.detect.config.DetectWorkerConfig;
import org.bloodcells.detect.model.DetectionModel;
import org.bloodcells.detect.storage.ImageStore;
import org.bloodcells.storage.StorageConfig;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Wires the plain {@link ImageDetectionService} into the container. */
public class ImageDetectionServiceProducer {

    @Produces
    @Singleton
    ImageDetectionService imageDetectionService(ImageStore store, DetectionModel model, ObjectMapper json,
            DetectWorkerConfig config, StorageConfig storage) {
        return new ImageDetectionService(store, model, json, storage.bucket(),
                config.worker().id().orElseGet(ImageDetectionServiceProducer::hostName), Clock.systemUTC());
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
