package org.bloodcells.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code .ci/run} installs Debian's packages (PyTorch, chromium, docker-compose) in the background while Maven builds,
 * and writes the install's exit status to the file {@code BLOODCELLS_BROWSER_INSTALL_STATUS} names. A test that needs
 * one of them waits here first.
 */
public final class CiInstall {

    private CiInstall() {
    }

    /**
     * Under {@code .ci/run}, waits (at most 15 minutes) for the background install and fails when it failed; elsewhere
     * returns at once.
     */
    public static void waitForPackages() throws IOException {
        String status = System.getenv("BLOODCELLS_BROWSER_INSTALL_STATUS");
        if (status == null || status.isBlank()) {
            return;
        }
        Path file = Path.of(status);
        await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Files.exists(file) && !Files.readString(file).isBlank());
        String exit = Files.readString(file).trim();
        if (!exit.equals("0")) {
            throw new AssertionError("the background install in .ci/run failed (exit " + exit + "): see its log");
        }
    }
}
