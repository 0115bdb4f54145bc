package org.bloodcells.detection;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;

import ai.onnxruntime.OrtProvider;

/**
 * Where ONNX Runtime runs a model. The CPU build of ONNX Runtime ({@code onnxruntime}, the default) offers only
 * {@link #CPU}; the GPU build ({@code onnxruntime_gpu}, Maven profile {@code gpu}) adds CUDA and TensorRT, which
 * also need the machine's CUDA libraries and a GPU.
 */
public enum ExecutionProvider {
    /** ONNX Runtime's default CPU kernels. */
    CPU,
    /** NVIDIA CUDA; refused where this ONNX Runtime has no CUDA provider. */
    CUDA,
    /** NVIDIA TensorRT, with CUDA for what TensorRT does not run; refused where this ONNX Runtime lacks it. */
    TENSORRT,
    /** CUDA where this ONNX Runtime offers it, otherwise CPU with a warning. */
    AUTO;

    /** What was asked for, what runs, and why they differ when they do. */
    public record Selection(ExecutionProvider requested, ExecutionProvider used, Optional<String> warning) {
    }

    /** The setting's value: {@code cpu}, {@code cuda}, {@code tensorrt} or {@code auto}, in any case. */
    public static ExecutionProvider parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("execution provider must be cpu, cuda, tensorrt or auto, was '" + value
                    + "'");
        }
    }

    /**
     * The provider to open sessions with, given the providers this ONNX Runtime build offers.
     *
     * @throws IllegalStateException when a GPU provider is asked for by name and this build lacks it
     */
    public Selection select(EnumSet<OrtProvider> available) {
        return switch (this) {
            case CPU -> new Selection(this, CPU, Optional.empty());
            case CUDA -> new Selection(this, require(available, OrtProvider.CUDA), Optional.empty());
            case TENSORRT -> new Selection(this, require(available, OrtProvider.TENSOR_RT), Optional.empty());
            case AUTO -> available.contains(OrtProvider.CUDA)
                    ? new Selection(this, CUDA, Optional.empty())
                    : new Selection(this, CPU, Optional.of("no GPU execution provider in this ONNX Runtime (it offers "
                            + available + "); running on CPU"));
        };
    }

    private ExecutionProvider require(EnumSet<OrtProvider> available, OrtProvider provider) {
        if (!available.contains(provider)) {
            throw new IllegalStateException(this + " execution provider asked for, but this ONNX Runtime offers only "
                    + available + ": build with the Maven profile gpu (onnxruntime_gpu) and run where CUDA is "
                    + "installed, or choose cpu or auto");
        }
        return this;
    }

    /** The setting's spelling, for readiness and metrics. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
