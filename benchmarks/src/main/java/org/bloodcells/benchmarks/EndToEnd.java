package org.bloodcells.benchmarks;

import static org.bloodcells.benchmarks.WorkerThroughput.log;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.bloodcells.infra.PostgresServer;
import org.bloodcells.launcher.LocalPlatform;
import org.bloodcells.launcher.PlatformClient;
import org.bloodcells.launcher.RepositoryLayout;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole platform, packaged, on the real local servers: a batch of images uploaded in requests of
 * {@code --per-request}, from the first upload to the last count in PostgreSQL, with 1 and then 2 workers (a fresh
 * platform each). Prints images per second and the p50 and p99 of each image's upload-to-row latency: from ingest
 * accepting it to results-service writing its run, as PostgreSQL recorded both.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl benchmarks exec:java -Dexec.mainClass=org.bloodcells.benchmarks.EndToEnd -Dexec.args="--images 2000 --workers 1,2"
 * </pre>
 */
@Command(name = "EndToEnd", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Uploads to counts in PostgreSQL, on the packaged platform, with 1 and 2 detect workers.")
public final class EndToEnd implements Callable<Integer> {

    @Option(names = "--images", paramLabel = "N", description = "images in the batch (default: ${DEFAULT-VALUE})")
    int count = 2000;

    @Option(names = "--workers", split = ",", paramLabel = "N,N",
            description = "worker counts, one platform each (default: ${DEFAULT-VALUE})")
    int[] workers = {1, 2};

    @Option(names = "--per-request", paramLabel = "N", description = "images per upload request (default: ${DEFAULT-VALUE})")
    int perRequest = 100;

    /** One platform's figures. */
    record Result(int workers, int images, double seconds, double p50, double p99) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new EndToEnd()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        RepositoryLayout layout = RepositoryLayout.locate();
        List<byte[]> images = BenchmarkImages.load(layout.root().resolve("datasets/bccd"), count);
        log("%d images, %d per request, workers %s, %d cores", count, perRequest, Arrays.toString(workers),
                Runtime.getRuntime().availableProcessors());
        List<Result> results = new ArrayList<>();
        for (int workerCount : workers) {
            LocalPlatform.Options options = new LocalPlatform.Options(LocalPlatform.Ports.free(), workerCount,
                    LocalPlatform.Options.DEFAULT_PARTITIONS);
            try (LocalPlatform platform = LocalPlatform.start(layout, options, LocalPlatform.Progress.toStderr())) {
                results.add(run(platform, images, workerCount));
            }
        }
        System.out.printf(Locale.ROOT, "%n| workers | images | first upload to last row (s) | images/s | "
                + "upload-to-row p50 (s) | p99 (s) |%n| ---: | ---: | ---: | ---: | ---: | ---: |%n");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.2f | %.1f | %.1f |%n", r.workers(), r.images(),
                    r.seconds(), r.images() / r.seconds(), r.p50(), r.p99());
        }
        return 0;
    }

    private Result run(LocalPlatform platform, List<byte[]> images, int workerCount) throws Exception {
        PlatformClient client = platform.client();
        PlatformClient.Origin origin = new PlatformClient.Origin("benchmark", "benchmark-slide",
                "benchmark-" + workerCount + "-" + Instant.now().toEpochMilli());
        Instant firstUpload = Instant.now();
        for (int start = 0; start < images.size(); start += perRequest) {
            List<PlatformClient.Upload> chunk = new ArrayList<>();
            for (int i = start; i < Math.min(images.size(), start + perRequest); i++) {
                chunk.add(new PlatformClient.Upload("image-" + i + ".jpg", images.get(i)));
            }
            PlatformClient.Answer answer = client.upload(chunk, origin);
            if (answer.status() / 100 != 2) {
                throw new IllegalStateException("upload refused: HTTP " + answer.status() + " " + answer.body());
            }
        }
        log("%d workers: %d images uploaded in %.1f s", workerCount, images.size(),
                Duration.between(firstUpload, Instant.now()).toMillis() / 1000.0);
        long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
        long lastLog = 0;
        while (true) {
            JsonNode progress = client.batch(origin.batchId()).path("images");
            int finished = progress.path("done").asInt() + progress.path("failed").asInt();
            if (System.nanoTime() - lastLog > 15_000_000_000L) {
                log("  %d/%d images done", finished, images.size());
                lastLog = System.nanoTime();
            }
            if (finished >= images.size()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + finished + " images done within the hour");
            }
            Thread.sleep(500);
        }
        return latencies(platform.infrastructure().postgres(), origin.batchId(), firstUpload, workerCount);
    }

    /** From PostgreSQL: when ingest accepted each image, and when its run was written. */
    private static Result latencies(PostgresServer postgres, String batchId, Instant firstUpload, int workerCount)
            throws Exception {
        List<Double> seconds = new ArrayList<>();
        Instant lastRow = firstUpload;
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
                PreparedStatement query = db.prepareStatement("select i.uploaded_at, r.received_at from image i "
                        + "join detection_run r on r.id = i.current_run_id where i.batch_id = ?")) {
            query.setString(1, batchId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Instant uploaded = rows.getTimestamp(1).toInstant();
                    Instant stored = rows.getTimestamp(2).toInstant();
                    seconds.add(Duration.between(uploaded, stored).toMillis() / 1000.0);
                    lastRow = stored.isAfter(lastRow) ? stored : lastRow;
                }
            }
        }
        seconds.sort(Double::compare);
        return new Result(workerCount, seconds.size(), Duration.between(firstUpload, lastRow).toMillis() / 1000.0,
                percentile(seconds, 0.50), percentile(seconds, 0.99));
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
