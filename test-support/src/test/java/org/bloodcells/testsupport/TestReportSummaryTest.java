package org.bloodcells.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestReportSummaryTest {

    @TempDir
    Path root;

    @Test
    void countsEachModulesTestsAndNamesEverySkippedTestWithItsReason() throws Exception {
        report("trainer", "surefire-reports", "org.bloodcells.trainer.PythonTrainerTest", """
                <testcase name="pythonUnitTestsPass" classname="org.bloodcells.trainer.PythonTrainerTest">
                  <skipped message="no python3 with torch, torchvision and onnx here"/>
                </testcase>
                <testcase name="exports" classname="org.bloodcells.trainer.PythonTrainerTest"/>
                """);
        report("e2e-tests", "failsafe-reports", "org.bloodcells.e2e.UploadToCountsIT", """
                <testcase name="journey" classname="org.bloodcells.e2e.UploadToCountsIT">
                  <failure message="boom"/>
                </testcase>
                <testcase name="other" classname="org.bloodcells.e2e.UploadToCountsIT"/>
                """);

        TestReportSummary summary = TestReportSummary.read(root, 0);

        assertEquals(new TestReportSummary.ModuleCounts(2, 0, 1), summary.modules().get("trainer"));
        assertEquals(new TestReportSummary.ModuleCounts(2, 1, 0), summary.modules().get("e2e-tests"));
        assertEquals(List.of(new TestReportSummary.Skipped("trainer", "PythonTrainerTest.pythonUnitTestsPass",
                "no python3 with torch, torchvision and onnx here")), summary.skipped());
        String text = summary.render();
        assertTrue(text.contains("because no python3 with torch, torchvision and onnx here\n"
                + "    trainer: PythonTrainerTest.pythonUnitTestsPass"), text);
        assertTrue(text.endsWith("Tests: 2 passed, 1 failed, 1 skipped\n"), text);
    }

    @Test
    void leavesOutReportsOfAnEarlierRun() throws Exception {
        Path stale = report("events", "surefire-reports", "org.bloodcells.events.OldTest",
                "<testcase name=\"old\" classname=\"org.bloodcells.events.OldTest\"/>");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));

        TestReportSummary summary = TestReportSummary.read(root, Instant.parse("2021-01-01T00:00:00Z").toEpochMilli());

        assertTrue(summary.modules().isEmpty(), summary.modules().toString());
        assertTrue(summary.render().contains("No test reports: no test ran."), summary.render());
    }

    @Test
    void readsTheReasonOfAnAssumptionWhoseMessageCameFromASupplier() throws Exception {
        report("results-service", "surefire-reports", "org.bloodcells.results.WorkspaceBrowserTest", """
                <testcase name="opens" classname="org.bloodcells.results.WorkspaceBrowserTest">
                  <skipped type="org.opentest4j.TestAbortedException"><![CDATA[org.opentest4j.TestAbortedException: \
                Assumption failed: no browser: install Debian's chromium
                	at org.junit.jupiter.api.Assumptions.throwAssumptionFailed(Assumptions.java:340)
                ]]></skipped>
                </testcase>
                """);

        TestReportSummary summary = TestReportSummary.read(root, 0);

        assertEquals("no browser: install Debian's chromium", summary.skipped().get(0).reason());
    }

    @Test
    void namesAClassThatRanNoTestAtAll() throws Exception {
        report("results-service", "surefire-reports", "org.bloodcells.results.WorkspaceBrowserTest", "");

        TestReportSummary summary = TestReportSummary.read(root, 0);

        assertEquals("WorkspaceBrowserTest", summary.skipped().get(0).test());
        assertTrue(summary.render().contains("results-service: WorkspaceBrowserTest"), summary.render());
        assertTrue(summary.render().endsWith("Tests: 0 passed, 0 failed, 1 skipped\n"), summary.render());
    }

    private Path report(String module, String folder, String suite, String cases) throws Exception {
        Path file = root.resolve(module).resolve("target").resolve(folder).resolve("TEST-" + suite + ".xml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"" + suite + "\">\n"
                + cases + "</testsuite>\n");
        return file;
    }
}
