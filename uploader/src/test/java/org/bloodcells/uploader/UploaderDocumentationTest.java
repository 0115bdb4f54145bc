package org.bloodcells.uploader;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** README's uploader section states the defaults and exit codes the code has. */
class UploaderDocumentationTest {

    private static String readme() throws IOException {
        Path here = Path.of("").toAbsolutePath();
        Path readme = Files.exists(here.resolve("README.md")) && Files.exists(here.resolve("uploader"))
                ? here.resolve("README.md") : here.getParent().resolve("README.md");
        return Files.readString(readme);
    }

    @Test
    void readmesExitCodesAndDefaultsAreTheCodes() throws IOException {
        String readme = readme();
        assertTrue(readme.contains("| " + ExitCodes.OK + " | every file acknowledged"), "exit 0");
        assertTrue(readme.contains("| " + ExitCodes.SOME_REFUSED + " | the service refused some files"), "exit 1");
        assertTrue(readme.contains("| " + ExitCodes.USAGE + " | a wrong command line or folder"), "exit 2");
        assertTrue(readme.contains("| " + ExitCodes.GAVE_UP + " | the service stayed unavailable"), "exit 3");
        assertTrue(readme.contains("| " + ExitCodes.DRY_RUN_FOUND_PROBLEMS + " | a dry run found files"), "exit 4");
        assertTrue(readme.contains("| " + ExitCodes.STOPPED + " | the run stopped on an error of its own"), "exit 5");
        assertTrue(readme.contains("`--parallel` files at once (default " + UploadCommand.DEFAULT_PARALLEL + ")"),
                "parallel");
        assertTrue(readme.contains("`--attempts` times (default " + UploadCommand.DEFAULT_ATTEMPTS + ")"), "attempts");
        assertTrue(readme.contains("manifest `" + Manifest.DEFAULT_NAME + "`"), "manifest name");
        assertTrue(readme.contains("up to 5 min") && Backoff.MOST_RETRY_AFTER.toMinutes() == 5, "Retry-After cap");
    }
}
