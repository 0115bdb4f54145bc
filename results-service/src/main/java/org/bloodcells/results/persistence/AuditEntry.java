package org.bloodcells.results.persistence;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import org.bloodcells.results.audit.AuditAction;

/**
 * One entry of the audit trail (migration V6), in the schema {@code audit} since V10: owned by another role, this
 * service may add entries and read them, never change or remove one.
 */
@Entity
@Table(schema = "audit", name = "audit_entry")
public class AuditEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String sourceKey;
    public Instant at;
    public String actor;
    @Enumerated(EnumType.STRING)
    public AuditAction action;
    public String subject;
    public String detail;

    /** Adds the entry unless one with its source key is there already (a re-delivered event). */
    public static void add(String sourceKey, Instant at, String actor, AuditAction action, String subject,
            String detail) {
        getEntityManager().createNativeQuery("""
                insert into audit.audit_entry (source_key, at, actor, action, subject, detail)
                values (?1, ?2, ?3, ?4, ?5, ?6) on conflict (source_key) do nothing""")
                .setParameter(1, sourceKey).setParameter(2, at).setParameter(3, actor)
                .setParameter(4, action.name()).setParameter(5, subject).setParameter(6, detail)
                .executeUpdate();
    }
}
