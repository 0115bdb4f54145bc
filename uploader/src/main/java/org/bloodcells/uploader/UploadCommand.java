package org.bloodcells.uploader;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.bloodcells.events.FileNameRule;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.OriginIds;
import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.images.UnusableImageException;
import org.bloodcells.uploader.UploadPlan.PlannedFile;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Uploads a folder: see the description below and README. */
@Command(name = "upload", sortOptions = false, mixinStandardHelpOptions = true,
        description = {
            "Uploads the image files (JPEG, PNG, BMP, TIFF) below DIR for one scanner and batch. Each sub-folder of DIR"
                + " is a slide named after it, unless --slide names one slide for all.",
            "Acknowledged files are recorded in a manifest in DIR, so running the command again sends only the rest."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every file acknowledged (now or before), or a dry run found nothing wrong",
            "1:the service refused some files (listed with their reasons)",
            "2:a wrong command line or folder; nothing was sent",
            "3:the service stayed unavailable through every retry for some files: run it again",
            "4:a dry run found files the service would refuse",
            "5:the run stopped on an error of its own (shown); the manifest keeps what was acknowledged",
            "6:the service did not accept the token (401) or this scanner's uploads with it (403): nothing more sent" })
public class UploadCommand implements Callable<Integer> {

    /** Defaults (README's table; a test holds them together). */
    public static final String DEFAULT_URL = "http://localhost:8081";
    public static final int DEFAULT_PARALLEL = 4;
    public static final int DEFAULT_ATTEMPTS = 8;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "the folder to upload")
    Path directory;

    @Option(names = "--scanner", required = true, description = "the scanner's id")
    String scanner;

    @Option(names = "--batch", required = true, description = "the batch's id")
    String batch;

    @Option(names = "--slide", description = "one slide for every file (default: each sub-folder is a slide)")
    String slide;

    @Option(names = "--url", defaultValue = "${env:BLOODCELLS_INGEST_URL:-" + DEFAULT_URL + "}",
            description = "ingest-service (default: $BLOODCELLS_INGEST_URL, else ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--parallel", defaultValue = "" + DEFAULT_PARALLEL,
            description = "files sent at once (default: ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--attempts", defaultValue = "" + DEFAULT_ATTEMPTS,
            description = "tries per file before giving up on it (default: ${DEFAULT-VALUE})")
    int attempts;

    @Option(names = "--first-backoff", defaultValue = "PT0.5S", converter = DurationConverter.class,
            description = "the first wait before a retry, doubling each time (default: 0.5 s)")
    Duration firstBackoff;

    @Option(names = "--most-backoff", defaultValue = "PT30S", converter = DurationConverter.class,
            description = "the longest wait between retries (default: 30 s); a Retry-After is honoured up to 5 min")
    Duration mostBackoff;

    @Option(names = "--timeout", defaultValue = "PT2M", converter = DurationConverter.class,
            description = "the longest one request may take (default: 2 min)")
    Duration timeout;

    @Option(names = "--manifest", description = "the manifest file (default: DIR/" + Manifest.DEFAULT_NAME + ")")
    Path manifestPath;

    @Option(names = "--token-file", paramLabel = "FILE", defaultValue = "${env:BLOODCELLS_TOKEN_FILE}",
            description = "the scanner's bearer token, read again before each request so that a renewed token is"
                    + " used (default: $BLOODCELLS_TOKEN_FILE; else the token itself in $BLOODCELLS_TOKEN)")
    Path tokenFile;

    @Option(names = "--token-url", paramLabel = "URL", defaultValue = "${env:BLOODCELLS_TOKEN_URL}",
            description = "the identity provider's token endpoint: with --client-id and --client-secret-file the"
                    + " uploader gets the scanner's tokens itself by the client credentials grant, renewed before they"
                    + " expire, instead of --token-file (default: $BLOODCELLS_TOKEN_URL)")
    URI tokenUrl;

    @Option(names = "--client-id", defaultValue = "${env:BLOODCELLS_CLIENT_ID}",
            description = "the scanner's client id at the identity provider (default: $BLOODCELLS_CLIENT_ID)")
    String clientId;

    @Option(names = "--client-secret-file", paramLabel = "FILE", defaultValue = "${env:BLOODCELLS_CLIENT_SECRET_FILE}",
            description = "the file holding that client's secret (default: $BLOODCELLS_CLIENT_SECRET_FILE)")
    Path clientSecretFile;

    @Option(names = "--dry-run", description = "check the folder and every file locally, send nothing")
    boolean dryRun;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    /** Reads {@code 30s}, {@code 500ms}, {@code 2m} or ISO-8601 ({@code PT30S}). */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.startsWith("pt")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                default -> throw new IllegalArgumentException("a duration like 30s, 500ms or 2m, not " + value);
            };
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        OriginIds.problem("--scanner", scanner).ifPresent(this::usage);
        OriginIds.problem("--batch", batch).ifPresent(this::usage);
        if (parallel < 1 || attempts < 1) {
            usage("--parallel and --attempts must be at least 1");
        }
        if (tokenUrl != null && (clientId == null || clientSecretFile == null)) {
            usage("--token-url needs --client-id and --client-secret-file");
        }
        if (tokenUrl != null && tokenFile != null) {
            usage("either --token-url (client credentials) or --token-file, not both");
        }
        Path manifestFile = manifestPath != null ? manifestPath : directory.resolve(Manifest.DEFAULT_NAME);
        UploadPlan plan;
        try {
            plan = UploadPlan.of(directory, slide, manifestFile);
        } catch (UploadPlan.PlanException e) {
            usage(e.getMessage());
            return ExitCodes.USAGE;
        }
        out.printf(Locale.ROOT, "%d image file(s), %.1f MB, in %d slide(s) for scanner %s, batch %s%s%n",
                plan.files().size(), plan.totalBytes() / 1e6, plan.filesPerSlide().size(), scanner, batch,
                plan.ignored().isEmpty() ? "" : "; " + plan.ignored().size() + " other file(s) left out (not images)");
        try (Manifest manifest = Manifest.open(manifestFile)) {
            return dryRun ? dryRun(plan, manifest, out) : upload(plan, manifest, out);
        } finally {
            out.flush();
        }
    }

    /** The token for the next request: the file's content (read each time), else $BLOODCELLS_TOKEN. */
    private String token() throws java.io.IOException {
        if (tokenFile != null) {
            return java.nio.file.Files.readString(tokenFile).strip();
        }
        String token = System.getenv("BLOODCELLS_TOKEN");
        return token == null ? "" : token.strip();
    }

    private void usage(String message) {
        throw new ParameterException(spec.commandLine(), message);
    }

    /**
     * Checks every file's name by the platform's rule and its bytes with the platform's own decoder and limits, as
     * ingest-service will (a service configured stricter than the platform may still refuse a file).
     */
    private int dryRun(UploadPlan plan, Manifest manifest, PrintWriter out) throws Exception {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sent = new AtomicInteger();
        forEach(plan.files(), file -> {
            var nameProblem = FileNameRule.problem(file.path().getFileName().toString());
            if (nameProblem.isPresent()) {
                problems.add(file.relative() + ": 400: " + nameProblem.get());
                return null;
            }
            try {
                ImageDecoder.inspect(file.path(), ImageLimits.PLATFORM);
                if (manifest.contains(ImageId.of(file.path()), scanner, batch, file.slide())) {
                    sent.incrementAndGet();
                }
            } catch (UnusableImageException e) {
                problems.add(file.relative() + ": " + e.reason() + ": " + e.getMessage());
            }
            return null;
        });
        plan.filesPerSlide().forEach((s, n) -> out.printf("  slide %s: %d file(s)%n", s, n));
        out.printf("%d file(s) already acknowledged (manifest %s); %d to send%n", sent.get(), manifest.path(),
                plan.files().size() - sent.get() - problems.size());
        Collections.sort(problems);
        problems.forEach(p -> out.println("WOULD BE REFUSED " + p));
        out.println(problems.isEmpty() ? "Dry run: nothing wrong found; nothing was sent"
                : "Dry run: " + problems.size() + " file(s) would be refused; nothing was sent");
        return problems.isEmpty() ? ExitCodes.OK : ExitCodes.DRY_RUN_FOUND_PROBLEMS;
    }

    private int upload(UploadPlan plan, Manifest manifest, PrintWriter out) throws Exception {
        AtomicInteger created = new AtomicInteger();
        AtomicInteger known = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        List<String> gaveUp = Collections.synchronizedList(new ArrayList<>());
        boolean terminal = System.console() != null;
        AtomicLong sentBytes = new AtomicLong();
        try (Progress progress = new Progress(spec.commandLine().getErr(), terminal, !noProgress, plan.files().size(),
                plan.totalBytes())) {
            AtomicReference<String> accessRefused = new AtomicReference<>();
            IngestClient.TokenSource tokens = tokenUrl != null
                    ? new ClientCredentials(tokenUrl, clientId, clientSecretFile, timeout, java.time.Clock.systemUTC())
                    : this::token;
            IngestClient client = new IngestClient(url, tokens, attempts, new Backoff(firstBackoff, mostBackoff), timeout,
                    (file, failure, wait) -> {
                        progress.retried();
                        progress.say(String.format(Locale.ROOT, "retrying %s in %.1f s: %s", file,
                                wait.toMillis() / 1000.0, failure));
                    });
            forEach(plan.files(), file -> {
                String sha256 = ImageId.of(file.path());
                if (manifest.contains(sha256, scanner, batch, file.slide())) {
                    skipped.incrementAndGet();
                    progress.done(file.size(), true);
                    return null;
                }
                if (accessRefused.get() != null) {
                    progress.done(file.size(), false);
                    return null;
                }
                IngestClient.Outcome outcome = client.send(file.path(), file.relative(), scanner, file.slide(), batch);
                sentBytes.addAndGet(file.size());
                boolean ok = false;
                if (outcome instanceof IngestClient.Acknowledged ack) {
                    if (!sha256.equals(ack.imageId())) {
                        refused.add(file.relative() + ": the service named it " + ack.imageId()
                                + " but its SHA-256 is " + sha256 + " (changed while it was sent?)");
                    } else {
                        manifest.record(new Manifest.Entry(sha256, scanner, batch, file.slide(), file.relative(),
                                ack.imageId(), ack.created(), Instant.now()));
                        (ack.created() ? created : known).incrementAndGet();
                        ok = true;
                    }
                } else if (outcome instanceof IngestClient.Refused r && (r.status() == 401 || r.status() == 403)) {
                    if (accessRefused.compareAndSet(null, (r.status() + " " + r.reason()).strip())) {
                        progress.say("ACCESS REFUSED " + r.status() + " " + r.reason() + ": sending nothing more");
                    }
                } else if (outcome instanceof IngestClient.Refused r) {
                    refused.add(file.relative() + ": " + r.status() + " " + r.reason());
                    progress.say("REFUSED " + file.relative() + ": " + r.status() + " " + r.reason());
                } else if (outcome instanceof IngestClient.GaveUp g) {
                    gaveUp.add(file.relative() + ": " + g.lastFailure());
                }
                progress.done(file.size(), ok);
                return null;
            });
            Duration took = progress.elapsed();
            int acknowledged = created.get() + known.get();
            double seconds = Math.max(took.toMillis() / 1000.0, 0.001);
            out.printf(Locale.ROOT, "Acknowledged %d file(s) (%d new, %d already known) in %s: %.1f files/s, %.1f MB/s;"
                    + " %d skipped (in the manifest), %d refused, %d not sent after %d attempts; %d retries%n",
                    acknowledged, created.get(), known.get(), Progress.clock(took), acknowledged / seconds,
                    sentBytes.get() / 1e6 / seconds, skipped.get(), refused.size(), gaveUp.size(), attempts,
                    progress.retries());
            if (accessRefused.get() != null) {
                out.println("ACCESS REFUSED " + accessRefused.get() + ": the token (--token-url, --token-file or $BLOODCELLS_TOKEN)"
                        + " is missing, expired, not trusted by the service, or not scanner " + scanner + "'s. Nothing"
                        + " more was sent; the manifest " + manifest.path() + " keeps what was acknowledged.");
                return ExitCodes.ACCESS_REFUSED;
            }
        }
        Collections.sort(refused);
        Collections.sort(gaveUp);
        refused.forEach(r -> out.println("REFUSED " + r));
        gaveUp.forEach(g -> out.println("NOT SENT " + g));
        if (!gaveUp.isEmpty()) {
            out.println("Run the same command again to send the files not sent: the manifest "
                    + manifest.path() + " keeps the acknowledged ones.");
            return ExitCodes.GAVE_UP;
        }
        return refused.isEmpty() ? ExitCodes.OK : ExitCodes.SOME_REFUSED;
    }

    @FunctionalInterface
    private interface FileTask {
        Void run(PlannedFile file) throws Exception;
    }

    /** Runs the task for every file, {@code parallel} at a time; the first unexpected failure ends the run. */
    private void forEach(List<PlannedFile> files, FileTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "upload");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (PlannedFile file : files) {
                futures.add(pool.submit(() -> task.run(file)));
            }
            for (Future<Void> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
