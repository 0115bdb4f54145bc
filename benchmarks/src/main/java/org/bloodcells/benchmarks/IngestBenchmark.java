package org.bloodcells.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Topics;
import org.bloodcells.images.BccdImages;
import org.bloodcells.images.PngChunks;
import org.bloodcells.infra.LocalInfrastructure;
import org.bloodcells.launcher.LocalPlatform;
import org.bloodcells.launcher.RepositoryLayout;
import org.bloodcells.launcher.ServiceProcess;
import org.bloodcells.uploader.UploaderCli;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Ingest's throughput and memory on the real servers, through the packaged ingest-service (README: "Ingest figures").
 * <ol>
 * <li>Throughput: rounds of {@code --images} new JPEGs (BCCD with a unique comment each) sent by the command-line
 * uploader with {@code --parallel} streams, each round beside its floor in the same run: the same bytes written to
 * the S3 server with the MinIO client and the same ImageUploaded events produced with the Kafka producer (acks=all,
 * idempotent, as ingest sends them), with as many threads.</li>
 * <li>Memory: {@code --large} uploads of 50 MB PNGs at once, raw bodies and then multipart, into a service started
 * with {@code -Xmx}{@code --heap}, its heap in use sampled from /q/metrics every 100 ms.</li>
 * </ol>
 * Run (after {@code mvn -DskipTests install}): {@code mvn -B -q -pl benchmarks exec:java
 * -Dexec.mainClass=org.bloodcells.benchmarks.IngestBenchmark}.
 */
@Command(name = "ingest-benchmark", mixinStandardHelpOptions = true)
public class IngestBenchmark implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "2000", description = "images per round")
    int images;

    @Option(names = "--parallel", defaultValue = "4", description = "streams (uploader and floor)")
    int parallel;

    @Option(names = "--rounds", defaultValue = "3", description = "floor/uploader pairs")
    int rounds;

    @Option(names = "--large", defaultValue = "20", description = "50 MB uploads at once")
    int large;

    @Option(names = "--heap", defaultValue = "256m", description = "ingest-service's -Xmx")
    String heap;

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngestBenchmark()).execute(args));
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[ingest-bench] " + format + "%n", args);
        System.out.flush();
    }

    private Path uploaderToken;
    private String largeUploadToken;

    @Override
    public Integer call() throws Exception {
        RepositoryLayout layout = RepositoryLayout.locate();
        Path work = Files.createDirectories(layout.runDirectory().resolve("ingest-bench"));
        log("%d cores; %d rounds of %d images with %d streams; %d x 50 MB at once into -Xmx%s",
                Runtime.getRuntime().availableProcessors(), rounds, images, parallel, large, heap);
        try (LocalInfrastructure infrastructure = LocalInfrastructure.start(layout.runDirectory())) {
            infrastructure.kafka().createPlatformTopics(LocalPlatform.Options.DEFAULT_PARTITIONS);
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            try (ServiceProcess ingest = ServiceProcess.start("ingest-service", layout.serviceJar("ingest-service"),
                    port, infrastructure.quarkusProperties("ingest-service"), List.of("-Xmx" + heap), layout.runDirectory())) {
                ingest.awaitReady(Duration.ofSeconds(120));
                // Signed in as the scanners the uploads name, as a scanner is: tokens of the run's local identity.
                uploaderToken = Files.writeString(work.resolve("scanner-u.jwt"),
                        infrastructure.identity().issueScanner("scanner-u"));
                largeUploadToken = infrastructure.identity().issueScanner("scanner-l");
                log("ingest-service ready at %s (-Xmx%s)", ingest.baseUri(), heap);
                MinioClient minio = MinioClient.builder().endpoint(infrastructure.s3().endpoint())
                        .credentials(infrastructure.s3().accessKey(), infrastructure.s3().secretKey()).build();
                if (!minio.bucketExists(BucketExistsArgs.builder().bucket("floor").build())) {
                    minio.makeBucket(MakeBucketArgs.builder().bucket("floor").build());
                }
                Properties producerConfig = new Properties();
                producerConfig.putAll(infrastructure.kafka().adminClientProperties());
                producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
                producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                List<String> rows = new ArrayList<>();
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig,
                        new StringSerializer(), new StringSerializer())) {
                    List<byte[]> bccd = BenchmarkImages.load(layout.root().resolve("datasets/bccd"), 364);
                    // Untimed: both paths once over a tenth of a round, so that no round pays the JIT's warm-up.
                    int timed = images;
                    images = Math.max(1, timed / 10);
                    floor(images(work.resolve("warm-floor"), bccd, "warm floor"), minio, producer);
                    uploader(images(work.resolve("warm-upload"), bccd, "warm upload"), ingest.baseUri());
                    images = timed;
                    log("warmed up with %d images each way", Math.max(1, timed / 10));
                    for (int round = 1; round <= rounds; round++) {
                        Path floorDir = images(work.resolve("floor-" + round), bccd, "floor " + round);
                        Path uploadDir = images(work.resolve("upload-" + round), bccd, "upload " + round);
                        double[] floor = floor(floorDir, minio, producer);
                        double[] uploaded = uploader(uploadDir, ingest.baseUri());
                        rows.add(String.format(Locale.ROOT, "| %d | floor: MinIO client put + Kafka producer event"
                                + " | %d | %.1f | %.1f | %.1f | |", round, images, floor[0], images / floor[0],
                                floor[1] / floor[0]));
                        rows.add(String.format(Locale.ROOT, "| %d | uploader -> ingest-service | %d | %.1f | %.1f |"
                                + " %.1f | %.2f |", round, images, uploaded[0], images / uploaded[0],
                                uploaded[1] / uploaded[0], floor[0] / uploaded[0]));
                        log("round %d: floor %.1f s, uploader %.1f s: %.2f of the floor", round, floor[0],
                                uploaded[0], floor[0] / uploaded[0]);
                    }
                }
                System.out.println();
                System.out.println("| round | path | images | seconds | images/s | MB/s | of the floor |");
                System.out.println("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
                rows.forEach(System.out::println);
                System.out.println();
                memory(work, ingest.baseUri());
            }
        }
        return 0;
    }

    /** Writes {@code images} new JPEGs in 20 slide folders; returns the folder. */
    private Path images(Path dir, List<byte[]> bccd, String tag) throws IOException {
        for (int i = 0; i < images; i++) {
            Path slide = Files.createDirectories(dir.resolve(String.format(Locale.ROOT, "slide-%02d", i % 20)));
            byte[] jpeg = BccdImages.withComment(bccd.get(i % bccd.size()), tag + " " + i + " " + Instant.now());
            Files.write(slide.resolve(String.format(Locale.ROOT, "field-%05d.jpg", i)), jpeg);
        }
        return dir;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".jpg")).sorted().toList();
        }
    }

    /** The same bytes put and the same events produced, {@code parallel} at a time: seconds and bytes. */
    private double[] floor(Path dir, MinioClient minio, KafkaProducer<String, String> producer) throws Exception {
        List<Path> files = files(dir);
        AtomicLong bytes = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Path file : files) {
                futures.add(pool.submit(() -> {
                    byte[] body = Files.readAllBytes(file);
                    String id = ImageId.of(body);
                    String key = "sha256/" + id.substring(0, 2) + "/" + id + ".jpg";
                    minio.putObject(PutObjectArgs.builder().bucket("floor").object(key)
                            .stream(new java.io.ByteArrayInputStream(body), body.length, -1)
                            .contentType("image/jpeg").build());
                    ImageUploaded event = ImageUploaded.builder().imageId(id).bucket("floor").objectKey(key)
                            .contentType("image/jpeg").sizeBytes(body.length).scannerId("scanner-f")
                            .slideId(file.getParent().getFileName().toString()).batchId("batch-floor")
                            .uploadedAt(Instant.now()).build();
                    producer.send(new ProducerRecord<>(Topics.IMAGES_UPLOADED, id, JSON.writeValueAsString(event)))
                            .get();
                    bytes.addAndGet(body.length);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new double[] { (System.nanoTime() - start) / 1e9, bytes.get() / 1e6 };
    }

    /** The command-line uploader, in-process: seconds and bytes. */
    private double[] uploader(Path dir, URI ingest) throws IOException {
        long bytes = 0;
        for (Path f : files(dir)) {
            bytes += Files.size(f);
        }
        StringWriter out = new StringWriter();
        long start = System.nanoTime();
        int exit = UploaderCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter()))
                .execute("upload", dir.toString(), "--scanner", "scanner-u", "--batch", "batch-" + dir.getFileName(),
                        "--url", ingest.toString(), "--parallel", String.valueOf(parallel), "--no-progress",
                        "--token-file", uploaderToken.toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException("the uploader exited " + exit + ":\n" + out);
        }
        return new double[] { seconds, bytes / 1e6 };
    }

    /** 50 MB uploads at once, raw then multipart, the service's heap sampled meanwhile. */
    private void memory(Path work, URI ingest) throws Exception {
        Path dir = Files.createDirectories(work.resolve("large"));
        byte[] png = noisePng(4096, 4096);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 2 * large; i++) {
            files.add(Files.write(dir.resolve("large-" + i + ".png"), PngChunks.withText(png, "bench " + i + " "
                    + Instant.now())));
        }
        log("%d PNGs of %.1f MB each (4096x4096 noise)", files.size(), Files.size(files.get(0)) / 1e6);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        System.out.println("| uploads at once | form | MB in all | statuses | seconds | heap in use before (MB) |"
                + " most heap in use (MB) | most live after GC (MB) | -Xmx |");
        System.out.println("| ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |");
        for (String form : List.of("raw body", "multipart")) {
            List<Path> batch = form.equals("raw body") ? files.subList(0, large) : files.subList(large, 2 * large);
            double before = heapUsed(http, ingest);
            AtomicBoolean sampling = new AtomicBoolean(true);
            double[] most = { before, 0 };
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    try {
                        String metrics = metrics(http, ingest);
                        most[0] = Math.max(most[0], sum(metrics, "jvm_memory_used_bytes{", "area=\"heap\""));
                        most[1] = Math.max(most[1], sum(metrics, "jvm_gc_live_data_size_bytes", ""));
                        Thread.sleep(100);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            sampler.start();
            ExecutorService pool = Executors.newFixedThreadPool(large);
            long start = System.nanoTime();
            List<Future<Integer>> statuses = new ArrayList<>();
            for (Path file : batch) {
                statuses.add(pool.submit(() -> send(http, ingest, largeUploadToken, file, form.equals("multipart"))));
            }
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : statuses) {
                codes.add(f.get());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdownNow();
            sampling.set(false);
            sampler.join();
            long totalBytes = 0;
            for (Path f : batch) {
                totalBytes += Files.size(f);
            }
            System.out.printf(Locale.ROOT, "| %d | %s | %.0f | %s | %.1f | %.0f | %.0f | %.0f | %s |%n", batch.size(),
                    form, totalBytes / 1e6, summary(codes), seconds, before / 1e6, most[0] / 1e6, most[1] / 1e6, heap);
        }
    }

    private static String summary(List<Integer> codes) {
        return codes.stream().distinct().sorted().map(c -> codes.stream().filter(c::equals).count() + "x" + c)
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

    private static int send(HttpClient http, URI ingest, String token, Path file, boolean multipart) throws Exception {
        String query = "?scannerId=scanner-l&slideId=slide-l&batchId=batch-l";
        HttpRequest.Builder request = HttpRequest.newBuilder(ingest.resolve("/images" + query))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofMinutes(5));
        if (multipart) {
            String boundary = "bench" + System.nanoTime();
            String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"scannerId\"\r\n\r\nscanner-l\r\n"
                    + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"slideId\"\r\n\r\nslide-l\r\n"
                    + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"batchId\"\r\n\r\nbatch-l\r\n"
                    + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + file.getFileName() + "\"\r\nContent-Type: image/png\r\n\r\n";
            String tail = "\r\n--" + boundary + "--\r\n";
            request.uri(ingest.resolve("/images")).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.concat(
                            HttpRequest.BodyPublishers.ofByteArray(head.getBytes(StandardCharsets.UTF_8)),
                            HttpRequest.BodyPublishers.ofFile(file),
                            HttpRequest.BodyPublishers.ofByteArray(tail.getBytes(StandardCharsets.UTF_8))));
        } else {
            request.header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofFile(file));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The sum of the JVM's heap pools in use, from the service's Prometheus metrics. */
    private static double heapUsed(HttpClient http, URI ingest) throws Exception {
        return sum(metrics(http, ingest), "jvm_memory_used_bytes{", "area=\"heap\"");
    }

    private static String metrics(HttpClient http, URI ingest) throws Exception {
        return http.send(HttpRequest.newBuilder(ingest.resolve("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The sum of the samples of the series starting with {@code prefix} whose labels contain {@code label}. */
    private static double sum(String metrics, String prefix, String label) {
        return metrics.lines().filter(l -> l.startsWith(prefix) && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** A PNG of random RGB noise (it barely compresses: about 3 bytes per pixel). */
    static byte[] noisePng(int width, int height) throws IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
        new Random(15).nextBytes(pixels);
        ByteArrayOutputStream out = new ByteArrayOutputStream(width * height * 3 + 1_000_000);
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
