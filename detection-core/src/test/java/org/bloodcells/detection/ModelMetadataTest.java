package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ModelMetadataTest {

    /** The example column of CONTRACT.md's metadata table. */
    static Map<String, String> contractExample() {
        Map<String, String> props = new HashMap<>();
        props.put("model_name", "efficientdet-d0-bccd");
        props.put("model_version", "1.0.0");
        props.put("classes", "RBC,WBC,Platelets");
        props.put("input_size", "512");
        props.put("levels", "3,4,5,6,7");
        props.put("anchor_scale", "4.0");
        props.put("scales", "1.0,1.2599,1.5874");
        props.put("ratios", "1.0:1.0,1.4:0.7,0.7:1.4");
        props.put("mean", "0.485,0.456,0.406");
        props.put("std", "0.229,0.224,0.225");
        return props;
    }

    @Test
    void parsesTheContractsExample() {
        ModelMetadata m = ModelMetadata.parse(contractExample());
        assertEquals(new ModelInfo("efficientdet-d0-bccd", "1.0.0", List.of("RBC", "WBC", "Platelets"), 512), m.info());
        assertArrayEquals(new int[] {3, 4, 5, 6, 7}, m.levels());
        assertEquals(4.0, m.anchorScale());
        assertArrayEquals(new double[] {1.0, 1.2599, 1.5874}, m.scales());
        assertArrayEquals(new double[] {1.4, 0.7}, m.ratios()[1]);
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, m.mean());
        assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, m.std());
    }

    @Test
    void namesEveryMissingKey() {
        Map<String, String> props = contractExample();
        props.remove("levels");
        props.put("mean", " ");
        ModelContractException e = assertThrows(ModelContractException.class, () -> ModelMetadata.parse(props));
        assertEquals("Model metadata lacks levels, mean (has anchor_scale, classes, input_size, mean, model_name, "
                + "model_version, ratios, scales, std)", e.getMessage());
    }

    @Test
    void refusesMalformedValues() {
        assertRefused("ratios", "1.0,1.4:0.7", "Model metadata 'ratios' entries must be rx:ry, was '1.0'");
        assertRefused("input_size", "big", "Model metadata 'input_size' has a non-integer value 'big'");
        assertRefused("std", "0.2,0.2", "Model metadata 'std' must have 3 values (R,G,B), was '0.2,0.2'");
        assertRefused("classes", "RBC,RBC", "Model metadata 'classes' must be distinct non-empty names, was 'RBC,RBC'");
        assertRefused("anchor_scale", "-4", "Model metadata 'anchor_scale' must be positive, was '-4'");
    }

    private static void assertRefused(String key, String value, String message) {
        Map<String, String> props = contractExample();
        props.put(key, value);
        assertEquals(message, assertThrows(ModelContractException.class, () -> ModelMetadata.parse(props))
                .getMessage());
    }
}
