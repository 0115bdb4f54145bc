package org.bloodcells.results.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Date;
import java.util.List;
import java.util.Map;

import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;

/** A signed report's FHIR form passes HAPI's instance validator (R4 structures), every resource and the bundle. */
class FhirReportTest {

    private static final FhirContext FHIR = FhirContext.forR4();
    private static FhirValidator validator;

    @BeforeAll
    static void validator() {
        ValidationSupportChain support = new ValidationSupportChain(new DefaultProfileValidationSupport(FHIR),
                new CommonCodeSystemsTerminologyService(FHIR), new InMemoryTerminologyServerValidationSupport(FHIR),
                new SnapshotGeneratingValidationSupport(FHIR));
        validator = FHIR.newValidator().registerValidatorModule(new FhirInstanceValidator(support));
    }

    /** Two fields at 0.1 µm/px, one left out flagged: every kind of observation. */
    private static ReportContent content() {
        List<FieldCounts> fields = List.of(
                new FieldCounts("a", Map.of("RBC", 20, "WBC", 1, "Platelets", 2), 0.1, 640, 480),
                new FieldCounts("b", Map.of("RBC", 30, "WBC", 0, "Platelets", 3), 0.1, 640, 480));
        SlideStatistics.Result stats = SlideStatistics.of(fields, List.of("RBC", "WBC", "Platelets"));
        return new ReportContent("slide-1", List.of("scanner-7"),
                new ReportContent.Fields(2, List.of("a", "b"),
                        List.of(new ReportContent.LeftOut("c", "FLAGGED_UNREVIEWED", "out of distribution"))),
                stats.classes(), stats.plateletsPer100Rbc(), SlideReports.INTERVAL,
                new ReportContent.Concentration(true, null, SlideReports.FORMULA,
                        SlideStatistics.EFFECTIVE_DEPTH_MICRONS, stats.areaSquareMicrons(), SlideReports.ASSUMPTIONS),
                List.of(new ReportContent.Model("efficientdet-d0-bccd", "1.2.0", 2, 0.3,
                        Map.of("RBC", 0.3, "WBC", 0.575), "score > 0.3, 1 view")),
                new ReportContent.Review(0, 1, 1, 1));
    }

    private static void assertValid(org.hl7.fhir.instance.model.api.IBaseResource resource) {
        ValidationResult result = validator.validateWithResult(resource);
        List<SingleValidationMessage> errors = result.getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()).toList();
        assertTrue(errors.isEmpty(), resource.fhirType() + ": " + errors.stream()
                .map(m -> m.getLocationString() + " " + m.getMessage()).toList());
    }

    @Test
    void everyResourceOfASignedReportPassesTheValidator() {
        Bundle bundle = FhirReport.of(content(), 1, "ana", new Date(), null);
        // A DiagnosticReport, per class a mean per field and a per-µL estimate, the platelet ratio, Specimen, Device.
        assertEquals(1 + 3 * 2 + 1 + 1 + 1, bundle.getEntry().size());
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            assertValid(entry.getResource());
        }
        assertValid(bundle);
        DiagnosticReport report = (DiagnosticReport) bundle.getEntryFirstRep().getResource();
        assertEquals(DiagnosticReport.DiagnosticReportStatus.FINAL, report.getStatus());
        assertEquals("ana", report.getResultsInterpreterFirstRep().getIdentifier().getValue());
        Observation rbc = bundle.getEntry().stream().map(e -> e.getResource()).filter(Observation.class::isInstance)
                .map(Observation.class::cast).filter(o -> o.getCode().getCoding().stream()
                        .anyMatch(c -> "790-6".equals(c.getCode()))).findFirst().orElseThrow();
        assertEquals("/uL", rbc.getValueQuantity().getCode());
        assertEquals(2, rbc.getComponent().size(), "the interval's limits");
        assertTrue(rbc.getMethod().getText().contains("efficientdet-d0-bccd 1.2.0"), rbc.getMethod().getText());
    }

    @Test
    void anAmendmentIsTheSameResourcesAmended() {
        Bundle first = FhirReport.of(content(), 1, "ana", new Date(), null);
        Bundle second = FhirReport.of(content(), 2, "ana", new Date(), "a lymphocyte missed");
        assertEquals(first.getEntry().stream().map(Bundle.BundleEntryComponent::getFullUrl).toList(),
                second.getEntry().stream().map(Bundle.BundleEntryComponent::getFullUrl).toList());
        DiagnosticReport amended = (DiagnosticReport) second.getEntryFirstRep().getResource();
        assertEquals(DiagnosticReport.DiagnosticReportStatus.AMENDED, amended.getStatus());
        assertValid(second);
    }
}
