package org.bloodcells.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What a test run ran, per module, and what it skipped with the reason each skipped test gave: the end of
 * {@code ./test.sh} (README's second command), so that a run on a machine without PyTorch or Chromium says which
 * tests did not run instead of hiding them in a green build. Reads the JUnit XML reports that Surefire and Failsafe
 * wrote since a given time. Plain JDK only: test.sh runs it as a source file, before or without a build of its own.
 *
 * <p>Usage: {@code java TestReportSummary.java <repository root> [<epoch seconds: reports older are stale>]}
 */
public final class TestReportSummary {

    /** One module's reports. */
    record ModuleCounts(int tests, int failed, int skipped) {
        ModuleCounts plus(ModuleCounts other) {
            return new ModuleCounts(tests + other.tests, failed + other.failed, skipped + other.skipped);
        }
    }

    /** A test that did not run, and why. */
    record Skipped(String module, String test, String reason) {
    }

    private final Map<String, ModuleCounts> modules = new TreeMap<>();
    private final List<Skipped> skipped = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        long since = args.length > 1 ? Long.parseLong(args[1]) * 1000 : 0;
        TestReportSummary summary = read(root, since);
        System.out.print(summary.render());
    }

    /** Every report under {@code <module>/target/{surefire,failsafe}-reports} modified at or after {@code sinceMillis}. */
    public static TestReportSummary read(Path root, long sinceMillis) throws Exception {
        TestReportSummary summary = new TestReportSummary();
        List<Path> reports = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
                for (String folder : List.of("surefire-reports", "failsafe-reports")) {
                    Path dir = module.resolve("target").resolve(folder);
                    if (!Files.isDirectory(dir)) {
                        continue;
                    }
                    try (Stream<Path> files = Files.list(dir)) {
                        files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml"))
                                .filter(f -> modified(f) >= sinceMillis).sorted().forEach(reports::add);
                    }
                }
            }
        }
        var factory = DocumentBuilderFactory.newInstance();
        for (Path report : reports) {
            String module = root.relativize(report).getName(0).toString();
            Element suite = factory.newDocumentBuilder().parse(report.toFile()).getDocumentElement();
            summary.add(module, suite);
        }
        return summary;
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private void add(String module, Element suite) {
        NodeList cases = suite.getElementsByTagName("testcase");
        int tests = 0;
        int failed = 0;
        int skippedHere = 0;
        for (int i = 0; i < cases.getLength(); i++) {
            Element testCase = (Element) cases.item(i);
            tests++;
            if (testCase.getElementsByTagName("failure").getLength() > 0
                    || testCase.getElementsByTagName("error").getLength() > 0) {
                failed++;
            } else if (testCase.getElementsByTagName("skipped").getLength() > 0) {
                skippedHere++;
                Element skip = (Element) testCase.getElementsByTagName("skipped").item(0);
                String reason = skip.getAttribute("message");
                String className = testCase.getAttribute("classname");
                String name = className.substring(className.lastIndexOf('.') + 1) + "."
                        + testCase.getAttribute("name");
                skipped.add(new Skipped(module, name, reason.isBlank() ? reasonInTrace(skip.getTextContent())
                        : reason.strip()));
            }
        }
        if (tests == 0) {
            // Counted as one skipped test, so that the closing line and the list agree.
            String className = suite.getAttribute("name");
            skipped.add(new Skipped(module, className.substring(className.lastIndexOf('.') + 1),
                    "the whole class was skipped, its reason unreported (a JUnit assumption before all of its tests)"));
            tests = 1;
            skippedHere = 1;
        }
        modules.merge(module, new ModuleCounts(tests, failed, skippedHere), ModuleCounts::plus);
    }

    /**
     * Surefire writes an assumption's message as the attribute only when it was a plain string; one given by a
     * supplier comes as the first line of the stack trace in the element's text.
     */
    static String reasonInTrace(String trace) {
        String first = trace.strip().lines().findFirst().orElse("");
        first = first.replaceFirst("^[\\w.$]+(Exception|Error): ", "").replaceFirst("^Assumption failed: ", "");
        return first.isBlank() ? "(no reason given)" : first;
    }

    public Map<String, ModuleCounts> modules() {
        return modules;
    }

    public List<Skipped> skipped() {
        return skipped;
    }

    public ModuleCounts total() {
        return modules.values().stream().reduce(new ModuleCounts(0, 0, 0), ModuleCounts::plus);
    }

    /** The table per module, the skipped tests with their reasons, and a closing line of the counts. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%n%-18s %7s %7s %7s %7s%n", "module", "tests", "passed", "failed", "skipped"));
        modules.forEach((module, counts) -> out.append(row(module, counts)));
        ModuleCounts total = total();
        out.append(row("all", total));
        if (total.tests() == 0 && skipped.isEmpty()) {
            out.append(String.format("%nNo test reports: no test ran.%n"));
        } else if (skipped.isEmpty()) {
            out.append(String.format("%nEvery test ran.%n"));
        } else {
            out.append(String.format("%nDid not run (%d):%n", skipped.size()));
            Map<String, List<String>> byReason = new TreeMap<>();
            skipped.forEach(s -> byReason.computeIfAbsent(s.reason(), r -> new ArrayList<>())
                    .add(s.module() + ": " + s.test()));
            byReason.forEach((reason, tests) -> {
                out.append("  because ").append(reason).append('\n');
                tests.forEach(t -> out.append("    ").append(t).append('\n'));
            });
        }
        out.append(String.format("%nTests: %d passed, %d failed, %d skipped%n",
                total.tests() - total.failed() - total.skipped(), total.failed(), total.skipped()));
        return out.toString();
    }

    private static String row(String module, ModuleCounts counts) {
        return String.format("%-18s %7d %7d %7d %7d%n", module, counts.tests(),
                counts.tests() - counts.failed() - counts.skipped(), counts.failed(), counts.skipped());
    }
}
