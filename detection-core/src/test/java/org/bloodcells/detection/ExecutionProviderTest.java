package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;

/** Which execution provider runs a model, given what the ONNX Runtime build offers; this machine's offers only CPU. */
class ExecutionProviderTest {

    private static final EnumSet<OrtProvider> CPU_BUILD = EnumSet.of(OrtProvider.CPU);
    private static final EnumSet<OrtProvider> GPU_BUILD = EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA,
            OrtProvider.TENSOR_RT);

    @TempDir
    Path dir;

    @Test
    void theSettingIsReadInAnyCase() {
        assertEquals(ExecutionProvider.TENSORRT, ExecutionProvider.parse(" TensorRT "));
        assertEquals(ExecutionProvider.AUTO, ExecutionProvider.parse("auto"));
        assertEquals("execution provider must be cpu, cuda, tensorrt or auto, was 'gpu'",
                assertThrows(IllegalArgumentException.class, () -> ExecutionProvider.parse("gpu")).getMessage());
    }

    @Test
    void autoTakesCudaWhereOfferedAndFallsBackToCpuWithAWarning() {
        assertEquals(new ExecutionProvider.Selection(ExecutionProvider.AUTO, ExecutionProvider.CUDA, Optional.empty()),
                ExecutionProvider.AUTO.select(GPU_BUILD));
        ExecutionProvider.Selection fallback = ExecutionProvider.AUTO.select(CPU_BUILD);
        assertEquals(ExecutionProvider.CPU, fallback.used());
        assertEquals("no GPU execution provider in this ONNX Runtime (it offers [CPU]); running on CPU",
                fallback.warning().orElseThrow());
    }

    @Test
    void aGpuProviderAskedForByNameIsUsedOrRefusedNeverSwappedForTheCpu() {
        assertEquals(ExecutionProvider.CUDA, ExecutionProvider.CUDA.select(GPU_BUILD).used());
        assertEquals(ExecutionProvider.TENSORRT, ExecutionProvider.TENSORRT.select(GPU_BUILD).used());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> ExecutionProvider.CUDA.select(CPU_BUILD));
        assertTrue(refused.getMessage().startsWith("CUDA execution provider asked for, but this ONNX Runtime offers "
                + "only [CPU]: build with the Maven profile gpu"), refused.getMessage());
        assertThrows(IllegalStateException.class, () -> ExecutionProvider.TENSORRT.select(EnumSet.of(OrtProvider.CPU,
                OrtProvider.CUDA)));
        assertEquals(ExecutionProvider.CPU, ExecutionProvider.CPU.select(GPU_BUILD).used());
    }

    /**
     * The real ONNX Runtime of this build. The default build offers the CPU only, so auto loads a model on the CPU
     * and says why, and CUDA asked for by name is refused at load; a GPU build (-Pgpu) runs on its GPU, or falls back
     * with the reason when the GPU does not start.
     */
    @Test
    void autoLoadsOnWhatThisBuildOffersAndSaysWhenItFallsBackToTheCpu() {
        boolean gpuBuild = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        Path model = new SyntheticModel().writeTo(dir.resolve("model.onnx"));
        try (CellDetector auto = CellDetector.load(model, new SessionSettings(1, ExecutionProvider.AUTO),
                UnaryOperator.identity())) {
            assertEquals(ExecutionProvider.AUTO, auto.executionProvider().requested());
            if (auto.executionProvider().used() == ExecutionProvider.CPU) {
                String warning = auto.executionProvider().warning().orElseThrow();
                assertTrue(warning.endsWith("running on CPU"), warning);
            } else {
                assertTrue(gpuBuild, "a GPU provider from a CPU build");
                assertEquals(ExecutionProvider.CUDA, auto.executionProvider().used());
                assertTrue(auto.executionProvider().warning().isEmpty());
            }
        }
        if (!gpuBuild) {
            assertEquals(CPU_BUILD, OrtEnvironment.getAvailableProviders());
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> CellDetector.load(model,
                    new SessionSettings(1, ExecutionProvider.CUDA), UnaryOperator.identity()));
            assertTrue(refused.getMessage().contains("build with the Maven profile gpu"), refused.getMessage());
        }
    }
}
