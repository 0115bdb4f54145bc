package org.bloodcells.results.service;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.ModelRef;

/**
 * The model versions the registry vouched for (table {@code known_model_version}, V9): a signed promotion named it, or
 * a re-processing request found it in the registry. A run is stored only for one of them; a detections record of
 * another version is held (table {@code held_detection}) with its reason, and stored when its version becomes known.
 *
 * <p>Learning a version and holding a record of it take the same lock (an advisory lock per version), so a record
 * is either held before the version is learnt, and then released by whoever learnt it, or stored after.
 */
@ApplicationScoped
public class KnownVersions {

    /** How a version became known. */
    public enum Source {
        PROMOTION, REPROCESSING
    }

    private final EntityManager em;

    public KnownVersions(EntityManager em) {
        this.em = em;
    }

    /** @return whether the registry vouched for this version; waits for a version being learnt right now */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean knows(String name, String version) {
        if (known(name, version)) {
            return true;
        }
        lock(name, version);
        return known(name, version);
    }

    /** The registry vouched for this version (a no-op when it is known already). */
    @Transactional
    public void learn(ModelRef model, Source source, Instant at) {
        lock(model.name(), model.version());
        em.createNativeQuery("""
                insert into known_model_version (model_name, model_version, sha256, learnt_from, learnt_at)
                values (:name, :version, :sha, :source, :at) on conflict do nothing""")
                .setParameter("name", model.name()).setParameter("version", model.version())
                .setParameter("sha", model.sha256()).setParameter("source", source.name()).setParameter("at", at)
                .executeUpdate();
    }

    /**
     * Keeps a record of a version not known; call after {@link #knows} said so, in the same transaction.
     *
     * @return whether it is held now for the first time (false: a re-delivery of one held already)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean hold(CellDetections event, String record, String reason) {
        return em.createNativeQuery("""
                insert into held_detection (image_id, model_name, model_version, record, reason, held_at)
                values (:image, :name, :version, :record, :reason, :at) on conflict do nothing""")
                .setParameter("image", event.imageId()).setParameter("name", event.modelName())
                .setParameter("version", event.modelVersion()).setParameter("record", record)
                .setParameter("reason", reason).setParameter("at", Instant.now()).executeUpdate() == 1;
    }

    /** A held record, as received. */
    public record Held(String imageId, String record) {
    }

    /** The records held for this version, oldest first. */
    @Transactional
    public List<Held> held(String name, String version) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                select image_id, record from held_detection where model_name = :name and model_version = :version
                order by held_at, image_id""")
                .setParameter("name", name).setParameter("version", version).getResultList();
        return rows.stream().map(r -> new Held((String) r[0], (String) r[1])).toList();
    }

    /** Forgets a held record once it is stored. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void release(String imageId, String name, String version) {
        em.createNativeQuery("""
                delete from held_detection where image_id = :image and model_name = :name and model_version = :version""")
                .setParameter("image", imageId).setParameter("name", name).setParameter("version", version)
                .executeUpdate();
    }

    private boolean known(String name, String version) {
        return !em.createNativeQuery("""
                select 1 from known_model_version where model_name = :name and model_version = :version""")
                .setParameter("name", name).setParameter("version", version).getResultList().isEmpty();
    }

    private void lock(String name, String version) {
        em.createNativeQuery("select pg_advisory_xact_lock(hashtext(:key))")
                .setParameter("key", "results-service: model version " + name + "/" + version).getSingleResult();
    }
}
