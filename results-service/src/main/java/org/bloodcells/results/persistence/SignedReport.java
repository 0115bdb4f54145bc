package org.bloodcells.results.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;

/** One signature of a slide's report, with the report as signed: never changed afterwards (migration V11). */
@Entity
@Table(name = "signed_report")
public class SignedReport extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "signed_report_seq")
    @SequenceGenerator(name = "signed_report_seq", sequenceName = "signed_report_seq", allocationSize = 50)
    public Long id;

    public String slideId;
    public int number;
    public String version;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> report;

    public String signedBy;
    public Instant signedAt;
    public String reason;
    public int acknowledgedUnreviewed;

    /** The slide's signatures, first first. */
    public static List<SignedReport> ofSlide(String slideId) {
        return list("slideId", Sort.by("number"), slideId);
    }
}
