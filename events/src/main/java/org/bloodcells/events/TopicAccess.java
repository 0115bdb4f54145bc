package org.bloodcells.events;

import java.util.List;
import java.util.Set;

/**
 * Who may do what on Kafka: the least-privilege table of README ("Credentials, TLS and least privilege"), the one
 * place it is spelled in code. The local broker's ACLs are made from it, and tests check that README's table, the
 * services' code and docker-compose's ACL step say the same.
 *
 * <p>Each service connects as a Kafka user named after the service; each consumer group is named after its service.
 * Reading a topic needs its group's rights too; writing implies the idempotent producer's right (Kafka 3.0+).
 *
 * @param user the Kafka user (SASL/SCRAM principal {@code User:<user>})
 * @param reads topics it consumes
 * @param writes topics it produces to
 * @param creates topics it creates where missing (Admin client)
 * @param groups consumer groups it joins and commits offsets in
 */
public record TopicAccess(String user, Set<String> reads, Set<String> writes, Set<String> creates,
        Set<String> groups) {

    /** The four services, in README's order. */
    public static final List<TopicAccess> SERVICES = List.of(
            new TopicAccess("ingest-service",
                    Set.of(Topics.BUCKET_NOTIFICATIONS),
                    Set.of(Topics.IMAGES_UPLOADED, Topics.IMAGE_MEMBERSHIPS),
                    Set.of(),
                    Set.of("ingest-service")),
            new TopicAccess("detect-worker",
                    Set.of(Topics.IMAGES_UPLOADED, Topics.MODELS_PROMOTED),
                    Set.of(Topics.CELL_DETECTIONS, Topics.DEAD_LETTERS, Topics.MODELS_REJECTED),
                    Set.of(),
                    Set.of("detect-worker")),
            new TopicAccess("results-service",
                    Set.of(Topics.IMAGES_UPLOADED, Topics.IMAGE_MEMBERSHIPS, Topics.CELL_DETECTIONS,
                            Topics.MODELS_PROMOTED, Topics.DEAD_LETTERS),
                    Set.of(Topics.DEAD_LETTERS, Topics.IMAGES_UPLOADED),
                    Set.of(),
                    Set.of("results-service")),
            new TopicAccess("trainer",
                    Set.of(),
                    Set.of(Topics.MODELS_PROMOTED),
                    Set.of(Topics.MODELS_PROMOTED, Topics.MODELS_REJECTED),
                    Set.of()));

    /** The object store (MinIO's Kafka notification target): it only writes the bucket's notifications. */
    public static final TopicAccess OBJECT_STORE = new TopicAccess("object-store", Set.of(),
            Set.of(Topics.BUCKET_NOTIFICATIONS), Set.of(), Set.of());

    /** Every Kafka user but the broker's own administrator. */
    public static final List<TopicAccess> ALL = List.of(SERVICES.get(0), SERVICES.get(1), SERVICES.get(2),
            SERVICES.get(3), OBJECT_STORE);

    public TopicAccess {
        reads = Set.copyOf(reads);
        writes = Set.copyOf(writes);
        creates = Set.copyOf(creates);
        groups = Set.copyOf(groups);
    }

    /** The access of the service (or the object store) whose Kafka user is {@code user}. */
    public static TopicAccess of(String user) {
        return ALL.stream().filter(access -> access.user.equals(user)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No Kafka user " + user));
    }
}
