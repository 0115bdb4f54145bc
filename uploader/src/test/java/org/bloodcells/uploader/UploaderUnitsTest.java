package org.bloodcells.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The uploader's plain parts: which file goes to which slide, how long to wait, what the manifest remembers. */
class UploaderUnitsTest {

    @TempDir
    Path folder;

    private void touch(String relative) throws IOException {
        Path file = folder.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] { 1, 2, 3 });
    }

    @Test
    void subFoldersAreSlidesAndOtherFilesHiddenFilesAndTheManifestAreLeftOut() throws IOException {
        touch("slide-1/a.jpg");
        touch("slide-1/deeper/b.TIFF");
        touch("slide-2/c.png");
        touch("slide-2/notes.txt");
        touch("slide-2/.thumbs/d.jpg");
        touch(".bloodcells-upload.jsonl");

        UploadPlan plan = UploadPlan.of(folder, null, folder.resolve(Manifest.DEFAULT_NAME));

        assertEquals(List.of("slide-1/a.jpg", "slide-1/deeper/b.TIFF", "slide-2/c.png"),
                plan.files().stream().map(UploadPlan.PlannedFile::relative).toList());
        assertEquals(Map.of("slide-1", 2L, "slide-2", 1L), plan.filesPerSlide());
        assertEquals(List.of(Path.of("slide-2/notes.txt")), plan.ignored());
        assertEquals(9, plan.totalBytes());
    }

    @Test
    void loosePicturesNeedASlideAndAFolderThatIsNoIdIsRefused() throws IOException {
        touch("loose.jpg");
        assertThrows(UploadPlan.PlanException.class, () -> UploadPlan.of(folder, null, folder.resolve("m")));
        assertEquals(Map.of("slide-x", 1L), UploadPlan.of(folder, "slide-x", folder.resolve("m")).filesPerSlide());
        Files.delete(folder.resolve("loose.jpg"));
        touch("bad slide/a.jpg");
        UploadPlan.PlanException e = assertThrows(UploadPlan.PlanException.class,
                () -> UploadPlan.of(folder, null, folder.resolve("m")));
        assertTrue(e.getMessage().contains("rename the folder or give --slide"), e.getMessage());
    }

    @Test
    void retryAfterWinsInSecondsOrAsADateAndIsCappedOtherwiseBackOffGrowsWithJitter() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        Instant now = Instant.parse("2026-12-02T07:00:00Z");

        assertEquals(Duration.ofSeconds(3), backoff.delay(1, Optional.of("3"), now));
        assertEquals(Duration.ofSeconds(20), backoff.delay(1, Optional.of("Wed, 02 Dec 2026 07:00:20 GMT"), now));
        assertEquals(Backoff.MOST_RETRY_AFTER, backoff.delay(1, Optional.of("86400"), now));
        for (int attempt = 1; attempt <= 12; attempt++) {
            long cap = Math.min(500L << (attempt - 1), 30_000);
            long ms = backoff.delay(attempt, Optional.of("soon"), now).toMillis();
            assertTrue(ms >= cap / 2 && ms <= cap, "attempt " + attempt + ": " + ms + " ms, cap " + cap);
        }
    }

    @Test
    void theManifestRemembersAcknowledgedFilesPerScannerBatchAndSlideAndSurvivesATornLastLine() throws IOException {
        Path path = folder.resolve(Manifest.DEFAULT_NAME);
        try (Manifest manifest = Manifest.open(path)) {
            manifest.record(new Manifest.Entry("ab".repeat(32), "scanner-1", "batch-1", "slide-1", "slide-1/a.jpg",
                    "ab".repeat(32), true, Instant.now()));
        }
        Files.writeString(path, "{\"sha256\":\"cd", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (Manifest again = Manifest.open(path)) {
            assertTrue(again.contains("ab".repeat(32), "scanner-1", "batch-1", "slide-1"));
            assertFalse(again.contains("ab".repeat(32), "scanner-1", "batch-2", "slide-1"), "another batch: send");
            assertEquals(1, again.size());
        }
    }

    @Test
    void aClientCredentialsTokenIsRenewedThirtySecondsBeforeItExpiresOrAtHalfALifetimeTooShortForThat() {
        assertEquals(Duration.ofSeconds(270), ClientCredentials.renewal(Duration.ofMinutes(5)));
        assertEquals(Duration.ofSeconds(20), ClientCredentials.renewal(Duration.ofSeconds(40)));
    }
}
