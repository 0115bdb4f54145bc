package org.bloodcells.benchmarks;

import static org.bloodcells.benchmarks.WorkerThroughput.log;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.bloodcells.infra.LocalInfrastructure;
import org.bloodcells.infra.PostgresServer;
import org.bloodcells.launcher.LocalPlatform;
import org.bloodcells.launcher.RepositoryLayout;
import org.bloodcells.launcher.ServiceProcess;
import org.bloodcells.results.query.Cursor;
import org.bloodcells.results.query.Grouping;
import org.bloodcells.results.query.ImageFilter;
import org.bloodcells.results.query.ImageSearch;
import org.bloodcells.results.service.CellClass;
import org.bloodcells.results.service.ImageStatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The analysts' queries at scale: the packaged results-service on real PostgreSQL (and Kafka), a generated history
 * of {@code --images} images with runs and counts (uploaded over {@code --days} days up to now, by
 * {@code --scanners} scanners, {@code --per-slide} images per slide and {@code --per-batch} per batch; 98% DONE, 1%
 * PENDING, 1% FAILED, 3% flagged, 0.5% corrected), then each query over HTTP, one at a time, with random scanners,
 * batches and days: p50, p95, p99 and max, beside its floor: the same statement read over plain JDBC right after each
 * request. Last, each query's plan: EXPLAIN (ANALYZE, BUFFERS) of the very statement
 * the service runs (ImageSearch's builders).
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl benchmarks exec:java -Dexec.mainClass=org.bloodcells.benchmarks.QueryBenchmark -Dexec.args="--images 1000000"
 * </pre>
 */
@Command(name = "QueryBenchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Lists and aggregates of results-service over a generated history of images.")
public final class QueryBenchmark implements Callable<Integer> {

    @Option(names = "--images", paramLabel = "N", description = "images generated (default: ${DEFAULT-VALUE})")
    int images = 1_000_000;

    @Option(names = "--days", paramLabel = "N", description = "days they were uploaded over (default: ${DEFAULT-VALUE})")
    int days = 365;

    @Option(names = "--scanners", paramLabel = "N", description = "scanners (default: ${DEFAULT-VALUE})")
    int scanners = 25;

    @Option(names = "--per-slide", paramLabel = "N", description = "images per slide (default: ${DEFAULT-VALUE})")
    int perSlide = 100;

    @Option(names = "--per-batch", paramLabel = "N", description = "images per batch (default: ${DEFAULT-VALUE})")
    int perBatch = 1000;

    @Option(names = "--samples", paramLabel = "N", description = "timed requests per query (default: ${DEFAULT-VALUE})")
    int samples = 300;

    @Option(names = "--warmup", paramLabel = "N", description = "untimed requests per query first (default: ${DEFAULT-VALUE})")
    int warmup = 30;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed = 42;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private Instant now;
    /** results-service's address, without a trailing slash. */
    private String base;
    /** An analyst's token from the run's local identity: the timed requests pay for verifying it, as real ones do. */
    private String authorization;

    /** One kind of request: its URL and the statement behind it, for a random scanner, batch or slide. */
    record Query(String name, Function<Random, Request> request) {
    }

    record Request(String path, org.bloodcells.results.query.Statement statement) {
    }

    /**
     * One query's figures: over HTTP through the service, and its floor, the very statement the service runs read by
     * a plain JDBC client, timed right after each request (same parameters, same database state).
     */
    record Figures(String name, int samples, double p50, double p95, double p99, double max, int rows,
            double floorP50, double floorP95) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new QueryBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        RepositoryLayout layout = RepositoryLayout.locate();
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        log("%d images over %d days, %d scanners, %d per slide, %d per batch; %d cores", images, days, scanners,
                perSlide, perBatch, Runtime.getRuntime().availableProcessors());
        try (LocalInfrastructure infrastructure = LocalInfrastructure.start(layout.runDirectory())) {
            infrastructure.kafka().createPlatformTopics(LocalPlatform.Options.DEFAULT_PARTITIONS);
            try (ServiceProcess results = ServiceProcess.start("results-service",
                    layout.serviceJar("results-service"), freePort(), infrastructure.quarkusProperties("results-service"),
                    layout.runDirectory())) {
                results.awaitReady(Duration.ofSeconds(120));
                base = results.baseUri().toString().replaceAll("/$", "");
                authorization = "Bearer " + infrastructure.identity().issue("benchmark-analyst", List.of("analyst"),
                        List.of("results-service"));
                log("results-service ready at %s (its Flyway migrations ran)", results.baseUri());
                PostgresServer postgres = infrastructure.postgres();
                try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
                        postgres.password())) {
                    generate(db);
                    List<Query> queries = queries();
                    List<Figures> figures = new ArrayList<>();
                    for (Query query : queries) {
                        figures.add(time(query, db));
                    }
                    print(figures);
                    for (Query query : queries) {
                        explain(db, query);
                    }
                }
            }
        }
        return 0;
    }

    private void generate(Connection db) throws Exception {
        long began = System.nanoTime();
        long spanSeconds = Duration.ofDays(days).toSeconds();
        Instant start = now.minusSeconds(spanSeconds);
        double step = (double) spanSeconds / images;
        try (Statement sql = db.createStatement()) {
            sql.execute("select setseed(" + (seed % 1000) / 1000.0 + ")");
            // Runs and images point at each other; the generator writes both sides itself.
            sql.execute("set session_replication_role = replica");
            int chunk = 100_000;
            for (int from = 0; from < images; from += chunk) {
                int to = Math.min(images, from + chunk);
                sql.execute(String.format(Locale.ROOT, """
                        insert into image (image_id, status, scanner_id, slide_id, batch_id, bucket, object_key,
                            content_type, size_bytes, uploaded_at, current_run_id, updated_at, model_name,
                            model_version, detected_at, rbc, wbc, platelets, review_flags, review_status,
                            wbc_corrected)
                        select md5(n::text) || md5((n + 1000000007)::text), status,
                            'scanner-' || lpad(((n / %2$d) %% %3$d)::text, 3, '0'),
                            'slide-' || lpad((n / %4$d)::text, 7, '0'),
                            'batch-' || lpad((n / %2$d)::text, 6, '0'),
                            'images', 'sha256/' || n || '.jpg', 'image/jpeg', 120000,
                            timestamptz '%5$s' + n * interval '%6$f seconds',
                            case when status = 'DONE' then n end, now(),
                            case when status = 'DONE' then 'efficientdet-d0-bccd' end,
                            case when status = 'DONE' then '1.3.0' end,
                            case when status = 'DONE' then timestamptz '%5$s' + n * interval '%6$f seconds'
                                + interval '40 seconds' end,
                            case when status = 'DONE' then 8 + floor(random() * 18)::int end,
                            case when status = 'DONE' then (array[0,0,0,0,0,0,1,1,1,2,3,5])[1 + floor(random() * 12)::int] end,
                            case when status = 'DONE' then floor(random() * 6)::int end,
                            case when status = 'DONE' and random() < 0.03
                                then '["uncertain: 6 counted cells scored below 0.50"]'::jsonb else '[]'::jsonb end,
                            case when status = 'DONE' and n %% 200 = 11 then 'CORRECTED' else 'NONE' end,
                            case when status = 'DONE' and n %% 200 = 11 then 4 end
                        from (select n, case when n %% 100 = 7 then 'PENDING' when n %% 100 = 13 then 'FAILED'
                                             else 'DONE' end as status
                              from generate_series(%7$d, %8$d) as n) g""", perBatch, perBatch, scanners, perSlide,
                        start, step, from, to - 1));
                log("  %d/%d images", to, images);
            }
            sql.execute("""
                    insert into detection_run (id, image_id, model_name, model_version, image_width, image_height,
                        cells, inference_millis, worker_id, detected_at, received_at, tiles, out_of_distribution)
                    select current_run_id, image_id, model_name, model_version, 640, 480, '[]'::jsonb, 40,
                        'worker-1', detected_at, detected_at, 1, '[]'::jsonb
                    from image where current_run_id is not null""");
            log("  runs written");
            for (CellClass c : CellClass.values()) {
                sql.execute("insert into cell_count (run_id, cell_class, cell_count) select current_run_id, '"
                        + c.label() + "', " + c.column() + " from image where current_run_id is not null");
            }
            sql.execute("select setval('detection_run_seq', (select max(id) + 1000 from detection_run))");
            sql.execute("set session_replication_role = origin");
            // The per-day totals' trigger did not fire for rows written with triggers off.
            sql.execute("select image_day_totals_rebuild()");
            // Each image a member of the batch and slide it was uploaded into (V5): batch and slide filters read them.
            sql.execute("""
                    insert into image_membership (image_id, scanner_id, slide_id, batch_id, added_at)
                    select image_id, scanner_id, slide_id, batch_id, uploaded_at from image""");
            log("  counts and memberships written; VACUUM ANALYZE");
            sql.execute("vacuum analyze image");
            sql.execute("vacuum analyze detection_run");
            sql.execute("vacuum analyze cell_count");
            sql.execute("vacuum analyze image_membership");
            try (ResultSet size = sql.executeQuery("select pg_size_pretty(pg_total_relation_size('image')),"
                    + " pg_size_pretty(pg_indexes_size('image')), count(*) from image")) {
                size.next();
                log("generated in %.0f s: image table %s with indexes %s, %d rows", (System.nanoTime() - began) / 1e9,
                        size.getString(1), size.getString(2), size.getLong(3));
            }
        }
    }

    private List<Query> queries() {
        int batches = Math.max(1, images / perBatch);
        Function<Random, String> scanner = r -> String.format(Locale.ROOT, "scanner-%03d", r.nextInt(scanners));
        Function<Random, String> batch = r -> String.format(Locale.ROOT, "batch-%06d", r.nextInt(batches));
        ImageFilter none = ImageFilter.none();
        ImageSearch.Order newest = new ImageSearch.Order(ImageSearch.SortKey.UPLOADED_AT, true);
        List<Query> queries = new ArrayList<>();
        queries.add(new Query("list: a scanner's DONE images, newest 50", r -> {
            String s = scanner.apply(r);
            ImageFilter filter = new ImageFilter(s, null, null, ImageStatus.DONE, null, null, null, null, null, null,
                    List.of(), null, null);
            return new Request("/images?scanner=" + s + "&status=DONE&limit=50",
                    ImageSearch.listStatement(filter, newest, 50, null));
        }));
        queries.add(new Query("list: a scanner, last 7 days, WBC >= 2, newest 50", r -> {
            String s = scanner.apply(r);
            Instant from = now.minus(Duration.ofDays(7));
            ImageFilter filter = new ImageFilter(s, null, null, null, null, null, from, null, null, null,
                    List.of(new ImageFilter.CountRange(CellClass.WBC, 2, null)), null, null);
            return new Request("/images?scanner=" + s + "&uploadedFrom=" + from + "&count=WBC:2:&limit=50",
                    ImageSearch.listStatement(filter, newest, 50, null));
        }));
        queries.add(new Query("list: a batch, the page after a cursor", r -> {
            String b = batch.apply(r);
            ImageFilter filter = new ImageFilter(null, null, b, null, null, null, null, null, null, null, List.of(),
                    null, null);
            String cursor = firstPageCursor("/images?batch=" + b + "&limit=50");
            return new Request("/images?batch=" + b + "&limit=50&cursor=" + cursor,
                    ImageSearch.listStatement(filter, newest, 50, Cursor.decode(cursor)));
        }));
        queries.add(new Query("per slide: a batch's slides", r -> {
            String b = batch.apply(r);
            ImageFilter filter = new ImageFilter(null, null, b, null, null, null, null, null, null, null, List.of(),
                    null, null);
            return new Request("/aggregates?by=slide&batch=" + b,
                    ImageSearch.aggregateStatement(filter, Grouping.SLIDE, true, 50, null));
        }));
        queries.add(new Query("per slide: a scanner's slides, last 30 days, first 50", r -> {
            String s = scanner.apply(r);
            Instant from = now.minus(Duration.ofDays(30));
            ImageFilter filter = new ImageFilter(s, null, null, null, null, null, from, null, null, null, List.of(),
                    null, null);
            return new Request("/aggregates?by=slide&scanner=" + s + "&uploadedFrom=" + from + "&limit=50",
                    ImageSearch.aggregateStatement(filter, Grouping.SLIDE, true, 50, null));
        }));
        queries.add(new Query("per day: every scanner, last 31 days (the default)", r -> {
            Instant end = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
            ImageFilter filter = none.uploadedBetween(end.minus(Duration.ofDays(31)), end);
            return new Request("/aggregates?by=day", ImageSearch.aggregateStatement(filter, Grouping.DAY, true, 50,
                    null));
        }));
        queries.add(new Query("per day: a scanner over the year", r -> {
            String s = scanner.apply(r);
            Instant from = now.minus(Duration.ofDays(days));
            ImageFilter filter = new ImageFilter(s, null, null, null, null, null, from, null, null, null, List.of(),
                    null, null);
            return new Request("/aggregates?by=day&scanner=" + s + "&uploadedFrom=" + from,
                    ImageSearch.aggregateStatement(filter, Grouping.DAY, true, 50, null));
        }));
        queries.add(new Query("batches' progress, last 7 days (the page's first tab)", r -> {
            Instant from = now.minus(Duration.ofDays(7));
            return new Request("/aggregates?by=batch&uploadedFrom=" + from + "&limit=100",
                    ImageSearch.aggregateStatement(none.uploadedBetween(from, null), Grouping.BATCH, true, 100, null));
        }));
        queries.add(new Query("per day: a model version's images, last 31 days (reads the images, not the totals)",
                r -> {
                    Instant end = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
                    ImageFilter filter = new ImageFilter(null, null, null, null, null, "1.3.0",
                            end.minus(Duration.ofDays(31)), end, null, null, List.of(), null, null);
                    return new Request("/aggregates?by=day&version=1.3.0&uploadedFrom=" + filter.uploadedFrom()
                            + "&uploadedTo=" + end, ImageSearch.aggregateStatement(filter, Grouping.DAY, true, 50,
                                    null));
                }));
        queries.add(new Query("per slide: every scanner, no filter, first 50 slides", r -> new Request(
                "/aggregates?by=slide&limit=50", ImageSearch.aggregateStatement(none, Grouping.SLIDE, true, 50, null))));
        queries.add(new Query("review queue, most doubtful 50", r -> new Request("/review?limit=50",
                ImageSearch.listStatement(none.queue(), new ImageSearch.Order(ImageSearch.SortKey.DOUBT, true), 50,
                        null))));
        return queries;
    }

    private String firstPageCursor(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", authorization).build(),
                    HttpResponse.BodyHandlers.ofString());
            return URLEncoder.encode(json.readTree(response.body()).path("next").asText(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Figures time(Query query, Connection db) throws Exception {
        Random random = new Random(seed);
        List<Double> millis = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        int rows = 0;
        for (int i = 0; i < warmup + samples; i++) {
            Request request = query.request().apply(random);
            HttpRequest get = HttpRequest.newBuilder(URI.create(base + request.path()))
                    .header("Authorization", authorization).build();
            long began = System.nanoTime();
            HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
            double took = (System.nanoTime() - began) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(request.path() + ": HTTP " + response.statusCode() + " "
                        + response.body());
            }
            long floorBegan = System.nanoTime();
            try (PreparedStatement direct = request.statement().prepare(db); ResultSet rs = direct.executeQuery()) {
                while (rs.next()) {
                    rs.getString(1);
                }
            }
            double floorTook = (System.nanoTime() - floorBegan) / 1e6;
            if (i >= warmup) {
                millis.add(took);
                floor.add(floorTook);
                JsonNode body = json.readTree(response.body());
                rows += (body.has("items") ? body.path("items") : body.path("groups")).size();
            }
        }
        millis.sort(Double::compare);
        floor.sort(Double::compare);
        Figures figures = new Figures(query.name(), samples, percentile(millis, 50), percentile(millis, 95),
                percentile(millis, 99), millis.get(millis.size() - 1), rows / samples, percentile(floor, 50),
                percentile(floor, 95));
        log("%s: p50 %.1f ms, p95 %.1f ms (its SQL over JDBC: p95 %.1f ms)", query.name(), figures.p50(),
                figures.p95(), figures.floorP95());
        return figures;
    }

    private void explain(Connection db, Query query) throws Exception {
        Request request = query.request().apply(new Random(seed));
        var statement = request.statement();
        var explained = new org.bloodcells.results.query.Statement(
                "explain (analyze, buffers, costs off) " + statement.sql(), statement.parameters());
        System.out.printf(Locale.ROOT, "%n#### %s%n`GET %s`%n```%n", query.name(), request.path());
        try (PreparedStatement plan = explained.prepare(db); ResultSet lines = plan.executeQuery()) {
            while (lines.next()) {
                System.out.println(lines.getString(1));
            }
        }
        System.out.println("```");
    }

    private void print(List<Figures> figures) {
        System.out.printf(Locale.ROOT, "%n%d images; each query %d times over HTTP, one at a time, after %d untimed;"
                + " the floor is the same statement over plain JDBC, run right after each request%n%n"
                + "| query | rows | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | floor p50 (ms) | floor p95 (ms)"
                + " | p95 / floor p95 |%n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |%n",
                images, samples, warmup);
        for (Figures f : figures) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.1f |%n", f.name(),
                    f.rows(), f.p50(), f.p95(), f.p99(), f.max(), f.floorP50(), f.floorP95(), f.p95() / f.floorP95());
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
