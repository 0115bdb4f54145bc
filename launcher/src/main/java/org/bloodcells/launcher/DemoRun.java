package org.bloodcells.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.bloodcells.infra.LocalIdentity;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * README's first command: the platform on embedded defaults. Starts everything, uploads the
 * demo images as one batch, waits until every image has its counts in PostgreSQL and prints them.
 * With {@code --stay} the platform keeps running for exploration until Ctrl-C; with
 * {@code --workers N} N detect-workers share the partitions of images-uploaded.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the platform locally on real Kafka, PostgreSQL and S3, and the demo images through it.")
public final class DemoRun implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    @Option(names = "--workers", paramLabel = "N", description = "detect-worker processes (default: ${DEFAULT-VALUE})")
    int workers = 1;

    @Option(names = "--partitions", paramLabel = "N",
            description = "partitions per topic, the most workers that can share the load (default: ${DEFAULT-VALUE})")
    int partitions = LocalPlatform.Options.DEFAULT_PARTITIONS;

    @Option(names = "--stay", description = "keep the platform running after the demo, until Ctrl-C")
    boolean stay;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoRun()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        RepositoryLayout layout = RepositoryLayout.locate();
        LocalPlatform.Progress progress = LocalPlatform.Progress.toStderr();
        long began = System.nanoTime();
        LocalPlatform.Options options = new LocalPlatform.Options(LocalPlatform.Ports.servicesOwn(layout), workers,
                partitions);
        LocalPlatform platform = LocalPlatform.start(layout, options, progress);
        double ready = (System.nanoTime() - began) / 1e9;
        try {
            run(layout, platform, progress, System.out);
            System.out.printf("%nReady (Kafka, PostgreSQL, S3, ingest-service, detect-worker, results-service): %.1f s"
                    + "%nWhole run (start-up, upload, detection, storage): %.1f s%n", ready,
                    (System.nanoTime() - began) / 1e9);
            if (stay) {
                // The model registry is the trainer's: only a platform that stays up needs it.
                platform.awaitTrainer();
                System.out.println("Model registry ready: " + platform.trainerUri() + "/models");
                System.out.println("Platform running; Ctrl-C stops it.");
                Runtime.getRuntime().addShutdownHook(new Thread(platform::close));
                new CountDownLatch(1).await();
            } else {
                System.out.println(platform.trainerState());
            }
        } finally {
            if (!stay) {
                progress.step("stopping");
                platform.close();
            }
        }
        return 0;
    }

    static void run(RepositoryLayout layout, LocalPlatform platform, LocalPlatform.Progress progress, PrintStream out)
            throws IOException, InterruptedException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(layout.demoImages())) {
            files = listing.filter(f -> f.getFileName().toString().endsWith(".jpg")).sorted().toList();
        }
        PlatformClient client = platform.client();
        var origin = new PlatformClient.Origin("demo-scanner", "demo-slide-1", "demo-" + Instant.now().getEpochSecond());
        progress.step("uploading " + files.size() + " demo images as batch " + origin.batchId());
        long uploadStarted = System.nanoTime();
        PlatformClient.Answer answer = client.upload(files.stream().map(PlatformClient.Upload::of).toList(), origin);
        if (answer.status() / 100 != 2) {
            throw new IllegalStateException("upload refused: HTTP " + answer.status() + " " + answer.body());
        }
        Map<String, String> fileById = new LinkedHashMap<>();
        for (JsonNode image : answer.body().get("images")) {
            fileById.put(image.get("imageId").asText(), image.get("fileName").asText());
        }
        progress.step(String.format("upload acknowledged in %.2f s (stored in S3, event on Kafka); waiting for counts",
                (System.nanoTime() - uploadStarted) / 1e9));

        Map<String, JsonNode> finished = new LinkedHashMap<>();
        Map<String, Double> secondsToRow = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (finished.size() < fileById.size()) {
            for (String id : fileById.keySet()) {
                if (finished.containsKey(id)) {
                    continue;
                }
                Optional<JsonNode> image = client.image(id);
                String status = image.map(i -> i.path("status").asText()).orElse("UNKNOWN");
                if (status.equals("DONE") || status.equals("FAILED")) {
                    finished.put(id, image.get());
                    secondsToRow.put(id, (System.nanoTime() - uploadStarted) / 1e9);
                    progress.step(String.format("[%d/%d] %s %s", finished.size(), fileById.size(), fileById.get(id), status));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not all images were processed within " + TIMEOUT.toMinutes()
                        + " min; see the service logs under " + layout.runDirectory());
            }
            Thread.sleep(50);
        }
        printTable(out, fileById, finished, secondsToRow);
        out.println();
        out.println("Batch " + origin.batchId() + ": " + client.batch(origin.batchId()));
        out.println();
        Path tokens = platform.writeTokens(origin.scannerId());
        out.println("Sign in: every call needs a bearer token. This run's local key signed one per role, valid "
                + LocalIdentity.DEFAULT_LIFETIME.toHours() + " h (a new run makes a new key):");
        out.println("  " + tokens + "/{analyst,ops,trainer}.jwt and scanner-" + origin.scannerId() + ".jwt");
        String analyst = "-H \"Authorization: Bearer $(cat " + tokens.resolve("analyst.jwt") + ")\" ";
        out.println("Query further (while the platform runs; add --stay to keep it up):");
        out.println("  analysts' web page: " + platform.resultsUri() + "/ (sign in with analyst.jwt; the API: "
                + platform.resultsUri() + "/q/swagger-ui)");
        out.println("  curl " + analyst + "'" + platform.resultsUri() + "/images?batch=" + origin.batchId()
                + "&format=csv'");
        out.println("  curl " + analyst + platform.resultsUri() + "/batches/" + origin.batchId());
        out.println("  curl " + analyst + platform.resultsUri() + "/slides/" + origin.slideId() + "/counts");
        out.println("  curl " + analyst + platform.resultsUri() + "/slides/" + origin.slideId() + "/report"
                + "   (its printable page: " + platform.resultsUri() + "/report.html?slide=" + origin.slideId() + ")");
        out.println("  audit trail (ops): curl -H \"Authorization: Bearer $(cat " + tokens.resolve("ops.jwt") + ")\" "
                + platform.resultsUri() + "/audit");
        out.println("  upload a folder (one sub-folder per slide): java -jar uploader/target/bloodcells-upload.jar"
                + " upload DIR --scanner " + origin.scannerId() + " --batch b1 --url " + platform.ingestUri()
                + " --token-file " + tokens.resolve("scanner-" + origin.scannerId() + ".jwt"));
        out.println("  model registry (ops, trainer): curl -H \"Authorization: Bearer $(cat "
                + tokens.resolve("ops.jwt") + ")\" " + platform.trainerUri() + "/models");
    }

    private static void printTable(PrintStream out, Map<String, String> fileById, Map<String, JsonNode> finished,
            Map<String, Double> secondsToRow) {
        List<String> classes = new ArrayList<>();
        finished.values().forEach(image -> image.path("detection").path("counts").fieldNames().forEachRemaining(c -> {
            if (!classes.contains(c)) {
                classes.add(c);
            }
        }));
        out.println();
        StringBuilder header = new StringBuilder(String.format("%-22s %-12s %-7s", "image", "id", "status"));
        classes.forEach(c -> header.append(String.format(" %9s", c)));
        header.append(String.format(" %-24s %14s", "model", "upload→row (s)"));
        out.println(header);
        for (var entry : fileById.entrySet()) {
            JsonNode image = finished.get(entry.getKey());
            StringBuilder row = new StringBuilder(String.format("%-22s %-12s %-7s", entry.getValue(),
                    entry.getKey().substring(0, 12), image.path("status").asText()));
            JsonNode detection = image.path("detection");
            classes.forEach(c -> row.append(String.format(" %9d", detection.path("counts").path(c).asInt())));
            row.append(String.format(" %-24s %14.2f",
                    detection.path("modelName").asText("-") + ":" + detection.path("modelVersion").asText("-"),
                    secondsToRow.get(entry.getKey())));
            out.println(row);
        }
    }
}
