package org.bloodcells.results.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.bloodcells.results.audit.AuditAction;
import org.bloodcells.results.audit.PatientDataReads;
import org.bloodcells.results.evidence.Evidence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What README says of the analysts' API and page, against the constants and the page's code that decide it. */
class WorkspaceDocumentationTest {

    private static String readme;
    private static String page;

    @BeforeAll
    static void read() throws Exception {
        readme = Files.readString(Path.of("..", "README.md")).replaceAll("\\s+", " ");
        page = Files.readString(Path.of("src", "main", "resources", "META-INF", "resources", "workspace.js"));
    }

    private static void says(String text) {
        assertTrue(readme.contains(text), "README should say: " + text);
    }

    @Test
    void pagesAndDefaultsAreTheCodes() {
        says("`limit` (1–" + FilterParams.MOST_PER_PAGE + ", " + FilterParams.DEFAULT_PER_PAGE + ")");
        says("the last " + AggregateResource.DEFAULT_DAYS.toDays() + " days when none is given");
        says("width=" + ImageResource.DEFAULT_OVERLAY_WIDTH + "]");
    }

    @Test
    void theLimitsOnDownloadsAndOverlaysAreTheCodes() {
        says(Downloads.MOST_DOWNLOADS_AT_ONCE + " downloads stream at once per replica");
        says(Evidence.MOST_OVERLAYS_AT_ONCE + " are drawn at once per replica");
        says("others wait up to " + Evidence.OVERLAY_WAIT.toSeconds() + " s, then 503");
    }

    @Test
    void theBatchesTabIsDescribedAsThePageQueriesIt() {
        assertTrue(page.contains("const BATCH_DAYS = 7;"), "the page's window");
        assertTrue(page.contains("/aggregates?by=batch&limit=100&uploadedFrom="), "the page's query");
        assertTrue(page.contains("loadBatches(); }, 5000);"), "the page's refresh");
        says("the batches with uploads in the last 7 days and their progress over those uploads (refreshed every 5 s;"
                + " the first 100 by batch id)");
    }

    @Test
    void theAuditTrailsActionsAreTheCodes() {
        says("`action` (" + Arrays.stream(AuditAction.values()).map(action -> "`" + action + "`")
                .collect(Collectors.joining(", ")) + ")");
        // PatientDataReads.sourceKey numbers fixed windows from the epoch: not "within N minutes" of the last entry.
        says("The same request by the same user makes at most one entry per fixed "
                + PatientDataReads.SAME_REQUEST_WINDOW.toMinutes() + "-minute window");
    }
}
