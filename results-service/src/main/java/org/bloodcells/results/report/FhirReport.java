package org.bloodcells.results.report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Specimen;

/**
 * A signed slide report as FHIR R4 resources, in a collection Bundle: a DiagnosticReport (final; amended from the
 * second signature on) referring to one Observation per result, the slide as Specimen, each scanner as Device, the
 * signer as a Practitioner reference by identifier. Ids are derived from the slide (and the result), so every
 * signature of a slide is the same resources again: delivered as an update, never as a second report.
 */
public final class FhirReport {

    public static final String MEDIA_TYPE = "application/fhir+json";
    static final String LOINC = "http://loinc.org";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String SYSTEM = "urn:bloodcells:";
    /** LOINC's manual counts per volume; the estimate comes closest to them (a count over a smear's area). */
    static final Map<String, String[]> LOINC_PER_VOLUME = Map.of(
            "RBC", new String[] { "790-6", "Erythrocytes [#/volume] in Blood by Manual count" },
            "WBC", new String[] { "804-5", "Leukocytes [#/volume] in Blood by Manual count" },
            "Platelets", new String[] { "778-1", "Platelets [#/volume] in Blood by Manual count" });

    private FhirReport() {
    }

    /** The bundle as FHIR JSON. */
    public static String json(Bundle bundle) {
        return ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser().encodeResourceToString(bundle);
    }

    /**
     * @param content     the report as signed
     * @param number      the signature's number (1: final, after that: amended)
     * @param signedBy    the signer (the token's user name)
     * @param signedAt    when
     */
    public static Bundle of(ReportContent content, int number, String signedBy, Date signedAt, String reason) {
        String slide = content.slideId();
        Observation.ObservationStatus observationStatus = number == 1 ? Observation.ObservationStatus.FINAL
                : Observation.ObservationStatus.AMENDED;
        Specimen specimen = new Specimen();
        specimen.setId(id(slide, "specimen"));
        specimen.addIdentifier(new Identifier().setSystem(SYSTEM + "slide").setValue(slide));
        specimen.setType(new CodeableConcept().setText("Peripheral blood smear (slide)"));

        List<Device> devices = new ArrayList<>();
        for (String scanner : content.scanners()) {
            Device device = new Device();
            device.setId(id(slide, "device " + scanner));
            device.addIdentifier(new Identifier().setSystem(SYSTEM + "scanner").setValue(scanner));
            device.addDeviceName().setName(scanner).setType(Device.DeviceNameType.USERFRIENDLYNAME);
            device.setType(new CodeableConcept().setText("Slide scanner"));
            devices.add(device);
        }
        CodeableConcept method = new CodeableConcept().setText(content.models().isEmpty() ? "no model"
                : String.join("; ", content.models().stream().map(m -> "cell detection " + m.name() + " "
                        // the post-processing's description names the score threshold itself
                        + m.version() + (m.postProcessing() != null ? ", " + m.postProcessing()
                                : m.scoreThreshold() == null ? "" : ", score > " + m.scoreThreshold())).toList()));

        List<Observation> observations = new ArrayList<>();
        for (SlideStatistics.ClassResult result : content.results()) {
            if (result.meanPerField() != null) {
                Observation perField = observation(slide, result.cellClass() + " per field", observationStatus,
                        new CodeableConcept(new Coding(SYSTEM + "observation", result.cellClass() + "-per-field",
                                result.cellClass() + " per field (mean over " + content.fields().counted()
                                        + " fields)")).setText(result.cellClass() + " per field"),
                        quantity(result.meanPerField(), "cells per field", "{cells}"), result.meanInterval(),
                        "cells per field", "{cells}");
                observations.add(perField);
            }
            if (result.perMicrolitre() != null) {
                String[] loinc = LOINC_PER_VOLUME.get(result.cellClass());
                CodeableConcept code = new CodeableConcept().setText(result.cellClass() + " per µL (estimate from"
                        + " counts per area, assumed monolayer depth " + content.concentration().effectiveDepthMicrons()
                        + " µm)");
                if (loinc != null) {
                    code.addCoding(new Coding(LOINC, loinc[0], loinc[1]));
                }
                observations.add(observation(slide, result.cellClass() + " per microlitre", observationStatus, code,
                        quantity(result.perMicrolitre(), "/uL", "/uL"), result.perMicrolitreInterval(), "/uL",
                        "/uL"));
            }
        }
        SlideStatistics.Ratio ratio = content.plateletsPer100Rbc();
        if (ratio.value() != null) {
            observations.add(observation(slide, "platelets per 100 RBC", observationStatus,
                    new CodeableConcept(new Coding(SYSTEM + "observation", "platelets-per-100-rbc",
                            "Platelets per 100 red blood cells")).setText("Platelets per 100 RBC"),
                    quantity(ratio.value(), "%", "%"), ratio.interval(), "%", "%"));
        }
        Reference signer = new Reference().setType("Practitioner")
                .setIdentifier(new Identifier().setSystem(SYSTEM + "user").setValue(signedBy)).setDisplay(signedBy);
        for (Observation observation : observations) {
            observation.setMethod(method);
            observation.setSpecimen(new Reference(url(specimen)));
            if (!devices.isEmpty()) {
                observation.setDevice(new Reference(url(devices.get(0))));
            }
            observation.setEffective(new DateTimeType(signedAt));
            observation.setIssued(signedAt);
            observation.addPerformer(signer.copy());
        }

        DiagnosticReport report = new DiagnosticReport();
        report.setId(id(slide, "report"));
        report.addIdentifier(new Identifier().setSystem(SYSTEM + "slide-report").setValue(slide));
        report.setStatus(number == 1 ? DiagnosticReport.DiagnosticReportStatus.FINAL
                : DiagnosticReport.DiagnosticReportStatus.AMENDED);
        report.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v2-0074", "HM",
                "Hematology")));
        report.setCode(new CodeableConcept(new Coding(SYSTEM + "report", "slide-cell-counts",
                "Blood smear cell counts by image analysis")).setText("Blood smear cell counts (image analysis)"));
        report.setEffective(new DateTimeType(signedAt));
        report.setIssued(signedAt);
        report.addResultsInterpreter(signer);
        report.addSpecimen(new Reference(url(specimen)));
        observations.forEach(o -> report.addResult(new Reference(url(o))));
        report.setConclusion(String.format(Locale.ROOT, "%d field(s) counted, %d left out; signature %d%s",
                content.fields().counted(), content.fields().leftOut().size(), number,
                reason == null ? "" : " (amended: " + reason + ")"));

        Bundle bundle = new Bundle();
        // One id per slide: each signature is delivered as an update of the same Bundle, never a second report.
        bundle.setId(id(slide, "report"));
        bundle.setType(Bundle.BundleType.COLLECTION);
        List<Resource> all = new ArrayList<>();
        all.add(report);
        all.addAll(observations);
        all.add(specimen);
        all.addAll(devices);
        all.forEach(r -> bundle.addEntry().setFullUrl(url(r)).setResource(r));
        return bundle;
    }

    private static Observation observation(String slide, String what, Observation.ObservationStatus status,
            CodeableConcept code, Quantity value, SlideStatistics.Interval interval, String unit, String ucum) {
        Observation observation = new Observation();
        observation.setId(id(slide, what));
        observation.setStatus(status);
        observation.addCategory(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory")));
        observation.setCode(code);
        observation.setValue(value);
        if (interval != null) {
            observation.addComponent().setCode(new CodeableConcept(new Coding(SYSTEM + "observation", "ci95-low",
                    "Lower limit of the 95 % interval (bootstrap over fields)"))).setValue(quantity(interval.low(),
                            unit, ucum));
            observation.addComponent().setCode(new CodeableConcept(new Coding(SYSTEM + "observation", "ci95-high",
                    "Upper limit of the 95 % interval (bootstrap over fields)"))).setValue(quantity(interval.high(),
                            unit, ucum));
        }
        return observation;
    }

    private static Quantity quantity(double value, String unit, String ucum) {
        return new Quantity().setValue(Math.round(value * 1000) / 1000.0).setUnit(unit).setSystem(UCUM)
                .setCode(ucum);
    }

    /** A stable id per slide and part (a UUID from their names). */
    static String id(String slide, String part) {
        return UUID.nameUUIDFromBytes((slide + "\n" + part).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String url(Resource resource) {
        return "urn:uuid:" + resource.getIdElement().getIdPart();
    }
}
