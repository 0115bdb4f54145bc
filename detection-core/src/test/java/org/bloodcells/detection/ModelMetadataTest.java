package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class ModelMetadataTest {

    private static final Path CONTRACT = Path.of("../models/CONTRACT.md");

    /** The example column of CONTRACT.md's metadata table, as the document has it. */
    static Map<String, String> contractExample() {
        return example("## Metadata");
    }

    /** From the heading to the next one. */
    private static String section(String doc, String heading) {
        String from = doc.substring(doc.indexOf(heading));
        int next = from.indexOf("\n## ", 1);
        return next < 0 ? from : from.substring(0, next);
    }

    /** The example column of CONTRACT.md's optional metadata table. */
    static Map<String, String> optionalExample() {
        return example("## Optional metadata");
    }

    /** The key and example columns of the table under a heading of CONTRACT.md. */
    private static Map<String, String> example(String heading) {
        try {
            String table = section(Files.readString(CONTRACT), heading);
            Map<String, String> props = new LinkedHashMap<>();
            Matcher row = Pattern.compile("^\\| `([a-z_]+)` \\| `([^`]*)` \\|", Pattern.MULTILINE).matcher(table);
            while (row.find()) {
                props.put(row.group(1), row.group(2));
            }
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theContractDocumentsEveryOptionalKeyAndItsExampleParses() {
        Map<String, String> optional = optionalExample();
        assertEquals(ModelDomain.KEYS, List.copyOf(optional.keySet()));
        Map<String, String> props = new HashMap<>(contractExample());
        props.putAll(optional);
        ModelDomain domain = ModelMetadata.parse(props).domain();
        assertTrue(domain.hasScale());
        assertEquals(0.08013, domain.inputMicronsPerPixel());
        assertEquals("RBC", domain.referenceClass());
        assertEquals(7.5, domain.referenceMicrons());
        assertEquals(0.575, domain.countThreshold("WBC", 0.3));
        assertEquals(0.4, domain.countThreshold("RBC", 0.4), "never below the detector's threshold");
        assertEquals(List.of(ModelDomain.TRAINING, "site-a"), domain.colours().stream().map(ModelDomain.ColourDomain::source)
                .toList());
        assertArrayEquals(new float[] {187.96f, 177.45f, 182.39f}, domain.colours().get(0).mean());
        assertArrayEquals(new float[] {176.5f, 147.2f, 160.1f}, domain.colours().get(1).mean());
        assertEquals(0.65, domain.uncertainShareLimit());
    }

    @Test
    void aModelWithoutTheOptionalKeysHasNoDomainAndMalformedOnesAreRefused() {
        assertEquals(ModelDomain.NONE.toString(), ModelMetadata.parse(contractExample()).domain().toString());
        assertRefused("scale_reference", "RBC:7.5", "Model metadata must have both 'input_microns_per_pixel' and "
                + "'scale_reference', or neither");
        assertRefused("count_thresholds", "Monocyte:0.5", "Model metadata 'count_thresholds' entries must be "
                + "CLASS:SCORE with one of [RBC, WBC, Platelets], was 'Monocyte:0.5'");
        assertRefused("count_thresholds", "WBC:1.5", "Model metadata 'count_thresholds' scores must be within 0..1, "
                + "was 'WBC:1.5'");
        assertRefused("colour_mean", "1,2,3", "Model metadata must have both 'colour_mean' and 'colour_std', or "
                + "neither");
        assertRefused("colour_domains", "site a:1,2,3:1,1,1", "Model metadata 'colour_domains' entries must be "
                + "NAME:R,G,B:SR,SG,SB, was 'site a:1,2,3:1,1,1'");
        assertRefused("colour_domains", "site:1,2,3:0,1,1", "Model metadata 'colour_domains' spreads must be "
                + "positive, was 'site:1,2,3:0,1,1'");
    }

    @Test
    void theContractDocumentsEveryKeyTheCoreRequires() {
        assertEquals(ModelMetadata.REQUIRED_KEYS, List.copyOf(contractExample().keySet()));
    }

    @Test
    void parsesTheContractsExample() {
        ModelMetadata m = ModelMetadata.parse(contractExample());
        assertEquals(new ModelInfo("efficientdet-d0-bccd", "1.3.0", List.of("RBC", "WBC", "Platelets"), 576), m.info());
        assertArrayEquals(new int[] {3, 4, 5, 6, 7}, m.levels());
        assertEquals(4.0, m.anchorScale());
        assertArrayEquals(new double[] {1.0, 1.2599, 1.5874}, m.scales());
        assertArrayEquals(new double[] {1.4, 0.7}, m.ratios()[1]);
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, m.mean());
        assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, m.std());
        assertEquals(new DetectorSettings(0.3, 0.5, 200, 2, 0.8, 0.5), m.settings());
    }

    @Test
    void namesEveryMissingKey() {
        Map<String, String> props = new HashMap<>(contractExample());
        props.remove("levels");
        props.put("mean", " ");
        ModelContractException e = assertThrows(ModelContractException.class, () -> ModelMetadata.parse(props));
        assertEquals("Model metadata lacks levels, mean (has anchor_scale, box_voting_iou, classes, input_size, "
                + "max_detections, mean, model_name, model_version, nms_iou_threshold, ratios, scales, "
                + "score_threshold, soft_nms_sigma, std, test_time_flips)", e.getMessage());
    }

    @Test
    void refusesMalformedValues() {
        assertRefused("ratios", "1.0,1.4:0.7", "Model metadata 'ratios' entries must be rx:ry, was '1.0'");
        assertRefused("input_size", "big", "Model metadata 'input_size' has a non-integer value 'big'");
        assertRefused("std", "0.2,0.2", "Model metadata 'std' must have 3 values (R,G,B), was '0.2,0.2'");
        assertRefused("classes", "RBC,RBC", "Model metadata 'classes' must be distinct non-empty names, was 'RBC,RBC'");
        assertRefused("anchor_scale", "-4", "Model metadata 'anchor_scale' must be positive, was '-4'");
        assertRefused("max_detections", "many", "Model metadata 'max_detections' has a non-integer value 'many'");
        assertRefused("box_voting_iou", "1.5", "Model metadata holds impossible post-processing settings: "
                + "boxVotingIou must be 0 (off) or within (0, 1], was 1.5");
    }

    private static void assertRefused(String key, String value, String message) {
        Map<String, String> props = new HashMap<>(contractExample());
        props.put(key, value);
        assertEquals(message, assertThrows(ModelContractException.class, () -> ModelMetadata.parse(props))
                .getMessage());
    }
}
