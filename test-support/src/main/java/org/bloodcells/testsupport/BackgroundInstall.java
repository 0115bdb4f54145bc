package org.bloodcells.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * {@code ./test.sh} (README's second command, which CI runs) installs Debian's packages that some tests need (PyTorch,
 * chromium, docker-compose) in the background while Maven builds, and writes the install's exit status to the file
 * {@code BLOODCELLS_INSTALL_STATUS} names. A test that needs one of them asks here first: it waits for the install to
 * end and, where it failed, skips with the reason instead of failing, as on a machine where nothing can be installed.
 */
public final class BackgroundInstall {

    private static final Duration MOST = Duration.ofMinutes(15);

    private BackgroundInstall() {
    }

    /**
     * Waits (at most 15 minutes) for test.sh's background install where one runs; returns at once elsewhere.
     *
     * @return why the packages are not there when the install failed; empty when it succeeded or none ran
     */
    public static Optional<String> failure() {
        String status = System.getenv("BLOODCELLS_INSTALL_STATUS");
        if (status == null || status.isBlank()) {
            return Optional.empty();
        }
        Path file = Path.of(status);
        await().atMost(MOST).pollInterval(Duration.ofSeconds(1))
                .until(() -> Files.exists(file) && !Files.readString(file).isBlank());
        String exit = read(file).trim();
        if (exit.equals("0")) {
            return Optional.empty();
        }
        String log = System.getenv().getOrDefault("BLOODCELLS_INSTALL_LOG", "its log");
        return Optional.of("installing Debian's packages for this test failed (exit " + exit + ", see " + log + ")");
    }

    /** Skips the calling test, with the reason, where test.sh's background install failed; waits for it first. */
    public static void assumeSucceeded() {
        Optional<String> failure = failure();
        Assumptions.assumeTrue(failure.isEmpty(), failure::get);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
