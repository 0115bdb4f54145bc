package org.bloodcells.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A server running in its own JVM, so that its libraries never meet the caller's (Quarkus brings
 * its own kafka-clients and Jackson). Output goes to a log file in the work
 * directory, not to the caller's console; the child exits when this JVM dies (see ParentWatch).
 * The launcher runs the packaged services this way too.
 */
public final class ChildJvm implements AutoCloseable {

    private static final String WATCH_MAIN = "org.bloodcells.infra.child.ParentWatch";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Path NICE = Path.of("/usr/bin/nice");

    private final String name;
    private final Process process;
    private final Path log;
    private final List<String> command;
    private final Path workDir;

    private ChildJvm(String name, Process process, Path log, List<String> command, Path workDir) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.command = List.copyOf(command);
        this.workDir = workDir;
    }

    /**
     * @param childClasses classes of this module that only the child runs; their class files are
     *     copied out of whatever jar or class loader holds them, since the caller's classpath
     *     cannot be relied on to name local-infra's jar.
     */
    public static ChildJvm start(String name, Path workDir, List<Path> classpath, List<String> jvmOptions,
            List<String> childClasses, String mainClass, List<String> args) throws IOException {
        return start(name, workDir, classpath, jvmOptions, childClasses, mainClass, args, Priority.NORMAL);
    }

    /** How much of the CPU the child may take from the others when they all want it. */
    public enum Priority {
        NORMAL,
        /**
         * Only what the others leave (nice 19, where {@code nice} exists): for a child nobody waits for while the
         * others start and work, such as the local run's trainer.
         */
        LOW
    }

    public static ChildJvm start(String name, Path workDir, List<Path> classpath, List<String> jvmOptions,
            List<String> childClasses, String mainClass, List<String> args, Priority priority) throws IOException {
        Path classes = workDir.resolve("child-classes");
        copyClassFile(WATCH_MAIN, classes);
        for (String childClass : childClasses) {
            copyClassFile(childClass, classes);
        }
        Path tmp = Files.createDirectories(workDir.resolve("tmp"));
        List<String> command = new ArrayList<>();
        if (priority == Priority.LOW && Files.isExecutable(NICE)) {
            command.addAll(List.of(NICE.toString(), "-n", "19"));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-cp");
        command.add(classes + java.io.File.pathSeparator
                + classpath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
        command.add(WATCH_MAIN);
        command.add(mainClass);
        command.addAll(args);
        return launch(name, workDir, command);
    }

    private static ChildJvm launch(String name, Path workDir, List<String> command) throws IOException {
        Path log = workDir.resolve(name + ".log");
        // stdin stays a pipe on purpose: ParentWatch exits when it closes.
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new ChildJvm(name, process, log, command, workDir);
    }

    /** The same command started again (this one must have exited), its output appended to the same log. */
    public ChildJvm startAgain() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        return launch(name, workDir, command);
    }

    /** CPU time the JVM has used so far, all its threads; zero where the platform does not tell. */
    public java.time.Duration cpuTime() {
        return process.info().totalCpuDuration().orElse(java.time.Duration.ZERO);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until {@code ready} holds, failing fast with the child's log if it dies first. */
    public void awaitReady(Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw failure("exited with code " + process.exitValue() + " before it was ready");
            }
            if (ready.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw failure("was not ready after " + timeout.toSeconds() + " s");
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    /**
     * Waits until {@code ready} holds or the child exits, whichever comes first (see {@link #exitCode()}): for a
     * server whose start may end in a planned exit, as Keycloak's does after rebuilding itself.
     */
    public void awaitReadyOrExit(Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive() && !ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw failure("was not ready after " + timeout.toSeconds() + " s");
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    /** The child's exit code; it must have exited. */
    public int exitCode() {
        return process.exitValue();
    }

    public static boolean acceptsConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The file the child's standard output and error go to. */
    public Path log() {
        return log;
    }

    IllegalStateException failure(String what) {
        return new IllegalStateException(name + " " + what + "; end of " + log + ":\n" + logTail(40));
    }

    private String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGTERM first so the server's shutdown hook runs; SIGKILL if it hangs. */
    @Override
    public void close() {
        stop(STOP_TIMEOUT);
    }

    /**
     * SIGTERM, then SIGKILL if the server has not exited within {@code grace}, as Kubernetes does with a pod's
     * termination grace period.
     *
     * @return whether it exited by itself within the grace period
     */
    public boolean stop(Duration grace) {
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return false;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void copyClassFile(String className, Path classesDir) throws IOException {
        String resource = className.replace('.', '/') + ".class";
        Path target = classesDir.resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = ChildJvm.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Class file " + resource + " not found next to " + ChildJvm.class);
            }
            // A work directory may be reused (the launcher's, across local runs).
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
