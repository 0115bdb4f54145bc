package org.bloodcells.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.bloodcells.launcher.RepositoryLayout;
import org.junit.jupiter.api.Test;

/** README's uploader command works as written: the packaged jar runs on its own (its libraries beside it). */
class UploaderJarTest {

    @Test
    void thePackagedUploaderRunsADryRunOverTheDemoImages() throws Exception {
        RepositoryLayout layout = RepositoryLayout.locate();
        Path jar = layout.root().resolve("uploader/target/bloodcells-upload.jar");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "upload",
                layout.demoImages().toString(), "--scanner", "scanner-demo", "--batch", "demo", "--slide", "demo",
                "--dry-run", "--manifest", layout.root().resolve("e2e-tests/target/uploader-manifest.jsonl").toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);

        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("6 image file(s)") && output.contains("Dry run: nothing wrong found"), output);
    }
}
