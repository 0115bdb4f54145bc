package org.bloodcells.results.persistence;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.bloodcells.results.service.ImageStatus;
import org.bloodcells.results.service.ModelVersion;
import org.bloodcells.results.service.ReviewStatus;

import io.quarkus.panache.common.Parameters;

/**
 * The aggregate queries behind the analysts' API. An image contributes the counts of its
 * current (latest) run only, and only while it is DONE. A slide or batch holds every image uploaded into it (its
 * memberships, migration V5), each once.
 */
@ApplicationScoped
public class ResultQueries {

    private static final String SLIDE_COUNTS = """
            select key(c), sum(c) from Image i join i.currentRun r join r.counts c
            where i.imageId in (%s) and i.status = :done
            group by key(c)""".formatted(ImageMembership.IMAGES_OF_SLIDE);

    private static final String SLIDE_DONE_IMAGES = """
            select count(i) from Image i where i.imageId in (%s) and i.status = :done"""
            .formatted(ImageMembership.IMAGES_OF_SLIDE);

    private static final String SLIDE_MODEL_VERSIONS = """
            select distinct r.modelName, r.modelVersion from Image i join i.currentRun r
            where i.imageId in (%s) and i.status = :done
            order by r.modelName, r.modelVersion""".formatted(ImageMembership.IMAGES_OF_SLIDE);

    private static final String BATCH_COUNTS = """
            select key(c), sum(c) from Image i join i.currentRun r join r.counts c
            where i.imageId in (%s) and i.status = :done
            group by key(c)""".formatted(ImageMembership.IMAGES_OF_BATCH);

    private static final String BATCH_STATUSES = """
            select i.status, count(i) from Image i where i.imageId in (%s) group by i.status"""
            .formatted(ImageMembership.IMAGES_OF_BATCH);

    private static final String BATCH_MODEL_VERSIONS = """
            select distinct r.modelName, r.modelVersion from Image i join i.currentRun r
            where i.imageId in (%s) and i.status = :done
            order by r.modelName, r.modelVersion""".formatted(ImageMembership.IMAGES_OF_BATCH);

    private static final String CORRECTED_IMAGES = """
            select count(i) from Image i where i.imageId in (%s)
            and i.status = :done and i.reviewStatus = :corrected""";

    private final EntityManager em;

    public ResultQueries(EntityManager em) {
        this.em = em;
    }

    public boolean slideKnown(String slideId) {
        return ImageMembership.count("slideId = :slideId", Parameters.with("slideId", slideId)) > 0;
    }

    public long slideDoneImages(String slideId) {
        return em.createQuery(SLIDE_DONE_IMAGES, Long.class)
                .setParameter("slideId", slideId)
                .setParameter("done", ImageStatus.DONE)
                .getSingleResult();
    }

    public Map<String, Long> slideCounts(String slideId) {
        return classTotals(em.createQuery(SLIDE_COUNTS, Object[].class)
                .setParameter("slideId", slideId)
                .setParameter("done", ImageStatus.DONE)
                .getResultList());
    }

    public List<ModelVersion> slideModelVersions(String slideId) {
        return modelVersions(em.createQuery(SLIDE_MODEL_VERSIONS, Object[].class)
                .setParameter("slideId", slideId)
                .setParameter("done", ImageStatus.DONE)
                .getResultList());
    }

    public Map<ImageStatus, Long> batchImagesByStatus(String batchId) {
        Map<ImageStatus, Long> byStatus = new EnumMap<>(ImageStatus.class);
        for (Object[] row : em.createQuery(BATCH_STATUSES, Object[].class)
                .setParameter("batchId", batchId)
                .getResultList()) {
            byStatus.put((ImageStatus) row[0], (Long) row[1]);
        }
        return byStatus;
    }

    public Map<String, Long> batchCounts(String batchId) {
        return classTotals(em.createQuery(BATCH_COUNTS, Object[].class)
                .setParameter("batchId", batchId)
                .setParameter("done", ImageStatus.DONE)
                .getResultList());
    }

    public List<ModelVersion> batchModelVersions(String batchId) {
        return modelVersions(em.createQuery(BATCH_MODEL_VERSIONS, Object[].class)
                .setParameter("batchId", batchId)
                .setParameter("done", ImageStatus.DONE)
                .getResultList());
    }

    /** DONE images of the slide ({@code slideId}) or batch ({@code batchId}) whose counts an analyst corrected. */
    public long correctedImages(String field, String id) {
        String members = field.equals("slideId") ? ImageMembership.IMAGES_OF_SLIDE : ImageMembership.IMAGES_OF_BATCH;
        return em.createQuery(CORRECTED_IMAGES.formatted(members), Long.class)
                .setParameter(field, id)
                .setParameter("done", ImageStatus.DONE)
                .setParameter("corrected", ReviewStatus.CORRECTED)
                .getSingleResult();
    }

    private static Map<String, Long> classTotals(List<Object[]> rows) {
        Map<String, Long> totals = new TreeMap<>();
        for (Object[] row : rows) {
            totals.put((String) row[0], ((Number) row[1]).longValue());
        }
        return totals;
    }

    private static List<ModelVersion> modelVersions(List<Object[]> rows) {
        return rows.stream().map(row -> new ModelVersion((String) row[0], (String) row[1])).toList();
    }
}
