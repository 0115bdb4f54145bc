package org.bloodcells.results.service;

import java.util.Map;

/** How far a batch's images have come; {@code total = done + failed + pending}. */
public record BatchProgress(long total, long done, long failed, long pending) {

    public static BatchProgress of(Map<ImageStatus, Long> imagesByStatus) {
        long done = imagesByStatus.getOrDefault(ImageStatus.DONE, 0L);
        long failed = imagesByStatus.getOrDefault(ImageStatus.FAILED, 0L);
        long pending = imagesByStatus.getOrDefault(ImageStatus.PENDING, 0L);
        return new BatchProgress(done + failed + pending, done, failed, pending);
    }
}
