package org.bloodcells.trainer.python;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs the PyTorch side of the trainer ({@code trainer/python}, package {@code efficientdet}) as a
 * child process, streaming its progress lines. The interpreter must import torch, torchvision
 * and onnx: {@code $TRAINER_PYTHON}, else the first of {@code python3} and Debian's that does.
 */
public final class PythonTrainer {

    private final String python;
    private final Path sources;

    private PythonTrainer(String python, Path sources) {
        this.python = python;
        this.sources = sources;
    }

    /** Empty when no interpreter here has PyTorch: the caller decides whether that is fatal. */
    public static Optional<PythonTrainer> find(Path sources) {
        List<String> candidates = new ArrayList<>();
        String configured = System.getenv("TRAINER_PYTHON");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String candidate : candidates) {
            if (canImportTorch(candidate)) {
                return Optional.of(new PythonTrainer(candidate, sources));
            }
        }
        return Optional.empty();
    }

    private static boolean canImportTorch(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch, torchvision, onnx")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String interpreter() {
        return python;
    }

    /** {@code python -m efficientdet.<module> args...} in the sources directory; fails on a non-zero exit. */
    public void run(String module, List<String> args, Consumer<String> progress) throws IOException, InterruptedException {
        run(module, args, progress, process -> { });
    }

    /** As {@link #run(String, List, Consumer)}, handing the child process to {@code started} (to stop it). */
    public void run(String module, List<String> args, Consumer<String> progress, Consumer<Process> started)
            throws IOException, InterruptedException {
        runCommand(command(module, args), Map.of(), progress, started);
    }

    /** The command line {@link #run} starts. */
    public List<String> command(String module, List<String> args) {
        List<String> command = new ArrayList<>(List.of(python, "-m", module));
        command.addAll(args);
        return command;
    }

    /** The Python unit tests ({@code python -m unittest discover -s tests}). */
    public void runUnitTests(Consumer<String> progress) throws IOException, InterruptedException {
        runCommand(List.of(python, "-m", "unittest", "discover", "-s", "tests", "-t", "."), progress);
    }

    /**
     * A shell recipe of the trainer's ({@code bash script}, such as {@code trainer/gpu-run.sh}) with {@code env}
     * added to its environment and this interpreter as its {@code TRAINER_PYTHON}; fails on a non-zero exit.
     */
    public void runRecipe(Path script, Map<String, String> env, Consumer<String> progress)
            throws IOException, InterruptedException {
        Map<String, String> withPython = new HashMap<>(env);
        withPython.put("TRAINER_PYTHON", python);
        runCommand(List.of("bash", script.toAbsolutePath().toString()), withPython, progress, process -> { });
    }

    private void runCommand(List<String> command, Consumer<String> progress) throws IOException, InterruptedException {
        runCommand(command, Map.of(), progress, process -> { });
    }

    private void runCommand(List<String> command, Map<String, String> env, Consumer<String> progress,
            Consumer<Process> started) throws IOException, InterruptedException {
        if (!Files.isDirectory(sources.resolve("efficientdet"))) {
            throw new IllegalStateException("no efficientdet package under " + sources.toAbsolutePath());
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(sources.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("PYTHONUNBUFFERED", "1");
        Process process = builder.start();
        started.accept(process);
        List<String> tail = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                progress.accept(line);
                tail.add(line);
                if (tail.size() > 40) {
                    tail.remove(0);
                }
            }
        }
        int code = process.waitFor();
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + code + ":\n" + String.join("\n", tail));
        }
    }
}
