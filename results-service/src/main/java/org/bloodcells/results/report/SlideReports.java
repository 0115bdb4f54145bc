package org.bloodcells.results.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.bloodcells.results.audit.AuditAction;
import org.bloodcells.results.audit.AuditTrail;
import org.bloodcells.results.delivery.FhirOutbox;
import org.bloodcells.results.persistence.DetectionRun;
import org.bloodcells.results.persistence.Image;
import org.bloodcells.results.persistence.ImageMembership;
import org.bloodcells.results.persistence.SignedReport;
import org.bloodcells.results.service.CellClass;
import org.bloodcells.results.service.ImageStatus;
import org.bloodcells.results.service.ReviewStatus;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.quarkus.panache.common.Parameters;

/** Builds slides' reports from the stored results, and signs them. */
@ApplicationScoped
public class SlideReports {

    private static final Logger LOG = Logger.getLogger(SlideReports.class);
    static final int MOST_REASON = 2000;
    static final String INTERVAL = "95 % percentile bootstrap over the counted fields (" + SlideStatistics.RESAMPLES
            + " resamples with replacement, seed " + SlideStatistics.SEED + "): the fields' own spread, not a Poisson"
            + " assumption; none with fewer than 2 fields";
    static final String FORMULA = "cells/µL = (cells counted ÷ counted area in µm²) ÷ effective depth in µm × 10⁹"
            + " µm³/µL; counted area = Σ width × height × (µm/px)²";
    static final List<String> ASSUMPTIONS = List.of(
            "The images are fields of a thin smear's monolayer (the counting area where red cells just touch without"
                    + " overlapping), as in manual estimates at 100× oil immersion.",
            "One µm² of monolayer holds the cells of " + SlideStatistics.EFFECTIVE_DEPTH_MICRONS + " µm³ of blood:"
                    + " the depth the manual platelet estimate implies (1 platelet per 100× field of field number 22,"
                    + " about 38,000 µm², ≈ 20,000/µL). The manual WBC estimate (1 per 40× field ≈ 2,000/µL) implies"
                    + " about 2 µm: white cells are pushed to the feathered edge and sides.",
            "An approximation for plausibility and trend, not a replacement for an analyser count: the real depth"
                    + " varies with the smear (drop size, angle, speed) and is not measured.",
            "The scale (µm per pixel) stored with each run is the image's own, as declared or read from the file.");

    private final AuditTrail audit;
    private final ObjectMapper canonical;
    private final ObjectMapper json;
    private final Clock clock;
    private final FhirOutbox outbox;

    @Inject
    public SlideReports(AuditTrail audit, ObjectMapper json, FhirOutbox outbox) {
        this(audit, json, Clock.systemUTC(), outbox);
    }

    SlideReports(AuditTrail audit, ObjectMapper json, Clock clock, FhirOutbox outbox) {
        this.audit = audit;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
        this.canonical = JsonMapper.builder().findAndAddModules()
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .build();
    }

    /** The slide's report as it stands now; empty when no image of the slide is known. */
    @Transactional
    public Optional<SlideReport> report(String slideId) {
        return content(slideId).map(content -> withSignatures(content, SignedReport.ofSlide(slideId)));
    }

    /**
     * Signs the slide's report as {@code signer}, when it is still the version the signer read. Refused (with the
     * status) for a malformed request (400), a report that changed since or is already signed (409), a slide with no
     * counted field or with flagged fields left out unreviewed that the signer did not acknowledge (422).
     */
    @Transactional
    public Optional<SlideReport> sign(String slideId, SignOffRequest request, String signer) {
        if (request == null || request.version() == null || request.version().isBlank()) {
            throw new ReportRefusedException(400, "version: the report version you read (GET /slides/{id}/report)");
        }
        String reason = request.reason() == null || request.reason().isBlank() ? null : request.reason().trim();
        if (reason != null && reason.length() > MOST_REASON) {
            throw new ReportRefusedException(400, "reason: at most " + MOST_REASON + " characters");
        }
        // One signature of a slide at a time: the second waits, then finds the report signed or changed.
        Image.getEntityManager().createNativeQuery("select pg_advisory_xact_lock(hashtext(:slide))")
                .setParameter("slide", "signed_report:" + slideId).getSingleResult();
        Optional<ReportContent> found = content(slideId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ReportContent content = found.get();
        if (content.fields().counted() == 0) {
            throw new ReportRefusedException(422, "slide " + slideId + " has no counted field (no DONE image that"
                    + " is not flagged and unreviewed): there is nothing to sign");
        }
        String version = version(content);
        List<SignedReport> signed = SignedReport.ofSlide(slideId);
        SignedReport last = signed.isEmpty() ? null : signed.get(signed.size() - 1);
        if (!version.equals(request.version())) {
            throw new ReportRefusedException(409, "the report changed since you read it (version "
                    + request.version() + ", now " + version + "): read it again before signing");
        }
        if (last != null && last.version.equals(version)) {
            throw new ReportRefusedException(409, "this version is already signed (signature " + last.number + " by "
                    + last.signedBy + ")");
        }
        if (last != null && reason == null) {
            throw new ReportRefusedException(400, "reason: an amended report is signed again with why it changed"
                    + " (signature " + last.number + " stands until then)");
        }
        int flagged = content.review().flaggedUnreviewed();
        if (flagged > 0 && !request.acknowledgeUnreviewed()) {
            throw new ReportRefusedException(422, flagged + " flagged field(s) are left out unreviewed: review them,"
                    + " or sign with acknowledgeUnreviewed");
        }
        SignedReport signature = new SignedReport();
        signature.slideId = slideId;
        signature.number = last == null ? 1 : last.number + 1;
        signature.version = version;
        signature.report = json.convertValue(content, new TypeReference<Map<String, Object>>() {
        });
        signature.signedBy = AuditTrail.actor(signer);
        signature.signedAt = clock.instant();
        signature.reason = reason;
        signature.acknowledgedUnreviewed = flagged;
        signature.persist();
        audit.record("sign-off:" + signature.id, signature.signedAt, signature.signedBy, AuditAction.SIGN_OFF,
                "slide " + slideId, "signature " + signature.number + " of version " + version
                        + (reason == null ? "" : "; amended: " + reason)
                        + (flagged == 0 ? "" : "; " + flagged + " flagged field(s) left out unreviewed, acknowledged"));
        deliver(signature);
        LOG.infof("Slide %s report signed by %s (signature %d)", slideId, signature.signedBy, signature.number);
        signed.add(signature);
        return Optional.of(withSignatures(content, signed));
    }

    /** The slide's last signed report in FHIR R4 (FhirReport); empty when it was never signed. */
    @Transactional
    public Optional<org.hl7.fhir.r4.model.Bundle> lastSignedAsFhir(String slideId) {
        List<SignedReport> signed = SignedReport.ofSlide(slideId);
        return signed.isEmpty() ? Optional.empty() : Optional.of(asFhir(signed.get(signed.size() - 1)));
    }

    /** A signature's report as signed, in FHIR R4: what the outbox delivers. */
    public org.hl7.fhir.r4.model.Bundle asFhir(SignedReport signature) {
        ReportContent content = json.convertValue(signature.report, ReportContent.class);
        return FhirReport.of(content, signature.number, signature.signedBy, java.util.Date.from(signature.signedAt),
                signature.reason);
    }

    /**
     * Hands the signed report to the delivery outbox in the signing transaction, so a signature is never stored without
     * its delivery nor the other way round; the Bundle's id is the slide's, so an amendment updates the same report.
     */
    void deliver(SignedReport signature) {
        org.hl7.fhir.r4.model.Bundle bundle = asFhir(signature);
        outbox.enqueue("Bundle", bundle.getIdElement().getIdPart(), FhirReport.json(bundle));
    }

    private SlideReport withSignatures(ReportContent content, List<SignedReport> signed) {
        String version = version(content);
        List<SlideReport.Signature> signatures = signed.stream().map(s -> new SlideReport.Signature(s.number,
                s.version, s.signedBy, s.signedAt, s.reason, s.acknowledgedUnreviewed)).toList();
        String last = signed.isEmpty() ? null : signed.get(signed.size() - 1).version;
        return new SlideReport(content.slideId(), version, SignOffState.of(version, last), content, signatures);
    }

    /** The report's version: the SHA-256 of its content written with sorted keys. */
    String version(ReportContent content) {
        try {
            byte[] bytes = canonical.writeValueAsBytes(content);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("report version", e);
        }
    }

    private Optional<ReportContent> content(String slideId) {
        List<Image> images = Image.list("imageId in (" + ImageMembership.IMAGES_OF_SLIDE + ") order by imageId",
                Parameters.with("slideId", slideId));
        if (images.isEmpty()) {
            return Optional.empty();
        }
        List<String> classes = Arrays.stream(CellClass.values()).map(CellClass::label).toList();
        List<FieldCounts> fields = new ArrayList<>();
        List<String> counted = new ArrayList<>();
        List<ReportContent.LeftOut> leftOut = new ArrayList<>();
        TreeSet<String> scanners = new TreeSet<>();
        Map<String, ReportContent.Model> models = new LinkedHashMap<>();
        int confirmed = 0;
        int corrected = 0;
        int unreviewed = 0;
        int flaggedUnreviewed = 0;
        for (Image image : images) {
            if (image.scannerId != null) {
                scanners.add(image.scannerId);
            }
            if (image.status == ImageStatus.FAILED) {
                leftOut.add(new ReportContent.LeftOut(image.imageId, "FAILED",
                        (image.failureStage == null ? "" : image.failureStage + ": ")
                                + (image.failureReason == null ? "" : image.failureReason)));
                continue;
            }
            DetectionRun run = image.currentRun;
            if (image.status != ImageStatus.DONE || run == null) {
                leftOut.add(new ReportContent.LeftOut(image.imageId, "PENDING", "no result yet"));
                continue;
            }
            if (!image.reviewFlags.isEmpty() && image.reviewStatus == ReviewStatus.NONE) {
                flaggedUnreviewed++;
                leftOut.add(new ReportContent.LeftOut(image.imageId, "FLAGGED_UNREVIEWED",
                        String.join("; ", image.reviewFlags)));
                continue;
            }
            switch (image.reviewStatus) {
                case CONFIRMED -> confirmed++;
                case CORRECTED -> corrected++;
                default -> unreviewed++;
            }
            counted.add(image.imageId);
            fields.add(new FieldCounts(image.imageId, CellClass.reported(image), run.micronsPerPixel, run.imageWidth,
                    run.imageHeight));
            String key = run.modelName + " " + run.modelVersion + " " + run.scoreThreshold + " " + run.countThresholds
                    + " " + run.postProcessing;
            ReportContent.Model seen = models.get(key);
            models.put(key, new ReportContent.Model(run.modelName, run.modelVersion, seen == null ? 1
                    : seen.fields() + 1, run.scoreThreshold, run.countThresholds, run.postProcessing));
        }
        SlideStatistics.Result statistics = SlideStatistics.of(fields, classes);
        long withoutScale = fields.stream().filter(f -> f.micronsPerPixel() == null).count();
        ReportContent.Concentration concentration = new ReportContent.Concentration(statistics.scaleKnown(),
                statistics.scaleKnown() ? null : fields.isEmpty() ? "no counted field"
                        : withoutScale + " of " + fields.size() + " counted field(s) have no known scale (µm per pixel)",
                FORMULA, SlideStatistics.EFFECTIVE_DEPTH_MICRONS, statistics.areaSquareMicrons(), ASSUMPTIONS);
        return Optional.of(new ReportContent(slideId, List.copyOf(scanners),
                new ReportContent.Fields(counted.size(), counted, leftOut), statistics.classes(),
                statistics.plateletsPer100Rbc(), INTERVAL, concentration, List.copyOf(models.values()),
                new ReportContent.Review(confirmed, corrected, unreviewed, flaggedUnreviewed)));
    }
}
