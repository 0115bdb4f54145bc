package org.bloodcells.benchmarks;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.detection.DetectionStep;
import org.bloodcells.detection.ExecutionProvider;
import org.bloodcells.detection.ImageScale;
import org.bloodcells.detection.PreparedImage;
import org.bloodcells.detection.ScannerScales;
import org.bloodcells.detection.SessionSettings;
import org.bloodcells.eval.LabelledScale;
import org.bloodcells.eval.OtherLabDataset;
import org.bloodcells.eval.VocDataset;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Scale;
import org.bloodcells.events.Topics;
import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.infra.LocalInfrastructure;
import org.bloodcells.launcher.LocalPlatform;
import org.bloodcells.launcher.RepositoryLayout;
import org.bloodcells.launcher.ServiceProcess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * How many images per second one packaged detect worker takes from Kafka to Kafka, beside the floor measured in the
 * same run: raw ONNX Runtime {@code session.run} on the same pre-processed inputs, with the same threads and views
 * (decoding and preparing excluded from the floor's time). The floor is measured before and after the worker, which
 * runs alone on the machine in between; images are already in S3 and their events published at once, so the worker
 * never waits for them.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl benchmarks exec:java -Dexec.mainClass=org.bloodcells.benchmarks.WorkerThroughput -Dexec.args="--images 500"
 * </pre>
 */
@Command(name = "WorkerThroughput", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Detect worker throughput, Kafka in to Kafka out, against raw ONNX Runtime on the same inputs.")
public final class WorkerThroughput implements Callable<Integer> {

    @Option(names = "--images", paramLabel = "N", description = "images to send (default: ${DEFAULT-VALUE})")
    int count = 500;

    // Both default to the worker's shipped settings and are passed to the worker, so worker and floor always match.
    @Option(names = "--intra-op-threads", paramLabel = "N",
            description = "ONNX Runtime threads per run, for the worker and the floor alike (default: ${DEFAULT-VALUE})")
    int threads = 1;

    @Option(names = "--parallel-runs", paramLabel = "N",
            description = "model runs at once, for the worker and the floor alike (default: ${DEFAULT-VALUE})")
    int parallelRuns = 2;

    @Option(names = "--images-from", paramLabel = "SET", description = "bccd: BCCD's images, then re-encoded variants; "
            + "draaslan: another lab's microscope (datasets/draaslan-bcd, 256 × 256 crops, then mirror images, at most "
            + "400); fields: 1 280 × 960 fields of 2 × 2 BCCD images, cut into tiles (default: ${DEFAULT-VALUE})")
    String source = "bccd";

    @Option(names = "--scale", paramLabel = "unknown|declared", description = "unknown: sent without a scale, the worker "
            + "estimates it (reusing a scanner's once its images agree); declared: each image sent with its set's scale,"
            + " from its labelled red cells (default: ${DEFAULT-VALUE})")
    String scale = "unknown";

    @Option(names = "--warm-up", paramLabel = "N", description = "images of the set the worker takes first, untimed, "
            + "as another scanner's (default: ${DEFAULT-VALUE})")
    int warmUpImages = 32;

    @Option(names = "--worker", paramLabel = "KEY=VALUE",
            description = "another setting for the worker, as a property (e.g. bloodcells.detector.batch-size=4)")
    Map<String, String> workerSettings = new LinkedHashMap<>();

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public static void main(String[] args) {
        System.exit(new CommandLine(new WorkerThroughput()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        RepositoryLayout layout = RepositoryLayout.locate();
        Path model = layout.releasedModel();
        Path bccd = layout.root().resolve("datasets/bccd");
        Path draaslan = layout.root().resolve("datasets/draaslan-bcd");
        List<byte[]> images = switch (source) {
            case "bccd" -> BenchmarkImages.load(bccd, count);
            case "draaslan" -> BenchmarkImages.draaslan(draaslan, count);
            case "fields" -> BenchmarkImages.fields(bccd, count);
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--images-from is bccd, "
                    + "draaslan or fields, was " + source);
        };
        ImageScale given = switch (scale) {
            case "unknown" -> ImageScale.unknown();
            case "declared" -> new ImageScale(LabelledScale.micronsPerPixel(source.equals("draaslan")
                    ? OtherLabDataset.read(draaslan) : VocDataset.open(bccd).split("train")), ImageScale.Source.DECLARED);
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--scale is unknown or declared, "
                    + "was " + scale);
        };
        log("%d images from %s, scale %s, %d model runs at once of %d intra-op threads, %d cores, worker settings %s",
                count, source, given.known() ? String.format(Locale.ROOT, "declared %.4f µm/px",
                        given.micronsPerPixel()) : "unknown", parallelRuns, threads,
                Runtime.getRuntime().availableProcessors(), workerSettings);
        try (LocalInfrastructure infra = LocalInfrastructure.start(layout.runDirectory().resolve("worker-benchmark"))) {
            infra.kafka().createPlatformTopics(LocalPlatform.Options.DEFAULT_PARTITIONS);
            List<ImageUploaded> events = store(infra, images, given);

            double floorBefore = floor(model, images, given);
            log("floor before: %.2f images/s", floorBefore);
            Map<String, String> properties = new LinkedHashMap<>(infra.quarkusProperties("detect-worker"));
            properties.putAll(infra.promotionKeys().propertiesFor("detect-worker"));
            properties.put("bloodcells.detector.model-path", model.toString());
            properties.put("bloodcells.detector.intra-op-threads", String.valueOf(threads));
            properties.put("bloodcells.detector.parallel-runs", String.valueOf(parallelRuns));
            properties.put("bloodcells.worker.id", "benchmark-worker");
            properties.putAll(workerSettings);
            double worker;
            try (ServiceProcess process = ServiceProcess.start("detect-worker-benchmark",
                    layout.serviceJar("detect-worker"), freePort(), properties, layout.runDirectory())) {
                process.awaitReady(Duration.ofSeconds(120));
                // Untimed: the worker's code compiled by the JIT and ONNX Runtime's first runs over, as the floor's
                // are; another scanner, so that the timed images learn their scanner's scale as the floor's do.
                List<ImageUploaded> warmUp = events.subList(0, Math.min(warmUpImages, events.size())).stream()
                        .map(e -> ImageUploaded.builder().imageId(e.imageId()).bucket(e.bucket())
                                .objectKey(e.objectKey()).contentType(e.contentType()).sizeBytes(e.sizeBytes())
                                .scannerId("warm-up").slideId(e.slideId()).batchId(e.batchId()).scale(e.scale())
                                .uploadedAt(e.uploadedAt()).build())
                        .toList();
                if (!warmUp.isEmpty()) {
                    log("warming the worker up with %d images", warmUp.size());
                    throughKafka(infra.kafka().adminClientProperties(), warmUp);
                }
                Map<String, Double> before = metrics(process);
                Duration workerCpu = process.cpuTime();
                long benchmarkCpu = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos();
                long began = System.nanoTime();
                worker = throughKafka(infra.kafka().adminClientProperties(), events);
                double seconds = (System.nanoTime() - began) / 1e9;
                double workerCores = process.cpuTime().minus(workerCpu).toNanos() / 1e9 / seconds;
                double serverCores = (ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO)
                        .toNanos() - benchmarkCpu) / 1e9 / seconds;
                log("cores busy while the worker ran: worker %.2f, Kafka broker, S3 server and this load generator "
                        + "(one JVM) %.2f, of %d", workerCores, serverCores, Runtime.getRuntime().availableProcessors());
                stages(before, metrics(process));
            }
            log("worker: %.2f images/s", worker);
            double floorAfter = floor(model, images, given);
            log("floor after: %.2f images/s", floorAfter);

            double floorMean = (floorBefore + floorAfter) / 2;
            System.out.printf(Locale.ROOT, "%n| measure | images/s | vs floor |%n| --- | ---: | ---: |%n");
            System.out.printf(Locale.ROOT, "| raw ONNX Runtime session.run, before | %.2f | %.2f |%n", floorBefore,
                    floorBefore / floorMean);
            System.out.printf(Locale.ROOT, "| detect worker, Kafka in to Kafka out | %.2f | **%.2f** |%n", worker,
                    worker / floorMean);
            System.out.printf(Locale.ROOT, "| raw ONNX Runtime session.run, after | %.2f | %.2f |%n", floorAfter,
                    floorAfter / floorMean);
        }
        return 0;
    }

    /** Puts every image into the bucket the worker reads, as ingest would, and returns the events announcing them. */
    private static List<ImageUploaded> store(LocalInfrastructure infra, List<byte[]> images, ImageScale given)
            throws Exception {
        MinioClient minio = MinioClient.builder().endpoint(infra.s3().endpoint())
                .credentials(infra.s3().accessKey(), infra.s3().secretKey()).build();
        String bucket = "images";
        if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        List<ImageUploaded> events = new ArrayList<>();
        for (byte[] image : images) {
            String id = ImageId.of(image);
            String type = ImageDecoder.inspect(image, ImageLimits.PLATFORM).format().mediaType();
            minio.putObject(PutObjectArgs.builder().bucket(bucket).object(id)
                    .stream(new ByteArrayInputStream(image), image.length, -1).contentType(type).build());
            events.add(ImageUploaded.builder().imageId(id).bucket(bucket).objectKey(id).contentType(type)
                    .sizeBytes(image.length).scannerId(SCANNER).slideId("benchmark").batchId("benchmark")
                    .scale(given.known() ? new Scale(given.micronsPerPixel(), given.source().name()) : null)
                    .uploadedAt(Instant.now()).build());
        }
        return events;
    }

    /** Images per second of the worker: from the first event published to the last image's detections received. */
    private static double throughKafka(Map<String, String> client, List<ImageUploaded> events) throws Exception {
        Set<String> waiting = new HashSet<>(events.stream().map(ImageUploaded::imageId).toList());
        Map<String, Object> producerConfig = new HashMap<>(client);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.<String, Object>copyOf(client),
                new StringDeserializer(), new StringDeserializer());
                KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig,
                        new StringSerializer(), new StringSerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CELL_DETECTIONS, Duration.ofSeconds(30))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            long started = System.nanoTime();
            for (ImageUploaded event : events) {
                producer.send(new ProducerRecord<>(Topics.IMAGES_UPLOADED, event.imageId(),
                        JSON.writeValueAsString(event)));
            }
            producer.flush();
            long deadline = started + Duration.ofMinutes(30).toNanos();
            int total = waiting.size();
            while (!waiting.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(waiting.size() + " images never came back");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode detections = JSON.readTree(record.value());
                    if (waiting.remove(detections.path("imageId").asText()) && (total - waiting.size()) % 50 == 0) {
                        log("  %d/%d images detected", total - waiting.size(), total);
                    }
                }
            }
            return total / ((System.nanoTime() - started) / 1e9);
        }
    }

    /** The one scanner every image of a run comes from, as a scanner's images would. */
    private static final String SCANNER = "benchmark";

    /**
     * Images per second of raw session.run on the model runs the worker makes of the images: each look at each image
     * (the scale search's further looks included), its tiles and views in one run of at most
     * {@link CellDetector#MAX_BLOCKS_PER_RUN} blocks, as the worker does; {@code parallelRuns} runs at once on one
     * session. The looks are found by the detection core itself, a chunk of images at a time before the chunk's runs,
     * untimed, with a scanner's scale reused as the worker reuses it: from its Kafka batch after the one whose
     * images measured it ({@code max.poll.records} images each). The floor is the images over the summed wall time of
     * the chunks' runs.
     */
    private double floor(Path model, List<byte[]> images, ImageScale given) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        ExecutorService runners = Executors.newFixedThreadPool(parallelRuns);
        int kafkaBatch = Integer.parseInt(workerSettings.getOrDefault(MAX_POLL_RECORDS,
                RepositoryLayout.locate().serviceProperty("detect-worker", MAX_POLL_RECORDS)));
        try (CellDetector detector = CellDetector.load(model, threads);
                OrtSession.SessionOptions options = CellDetector.sessionOptions(
                        new SessionSettings(threads, ExecutionProvider.CPU));
                OrtSession session = environment.createSession(model.toString(), options)) {
            String input = session.getInputNames().iterator().next();
            int size = detector.model().inputSize();
            Learning warmUpOnly = new Learning(kafkaBatch);
            run(environment, session, input, size, looks(detector, warmUpOnly, images.get(0), given).get(0));
            Learning learning = new Learning(kafkaBatch);
            long runNanos = 0;
            int runs = 0;
            for (int start = 0; start < images.size();) {
                List<FloatBuffer> inputs = new ArrayList<>();
                long blocks = 0;
                while (start < images.size() && blocks < CHUNK_BLOCKS) {
                    for (FloatBuffer look : looks(detector, learning, images.get(start++), given)) {
                        inputs.add(look);
                        blocks += look.capacity() / (3L * size * size);
                    }
                }
                runs += inputs.size();
                AtomicInteger next = new AtomicInteger();
                List<Future<?>> lanes = new ArrayList<>();
                long began = System.nanoTime();
                for (int lane = 0; lane < parallelRuns; lane++) {
                    lanes.add(runners.submit(() -> {
                        for (int i = next.getAndIncrement(); i < inputs.size(); i = next.getAndIncrement()) {
                            run(environment, session, input, size, inputs.get(i));
                        }
                        return null;
                    }));
                }
                for (Future<?> lane : lanes) {
                    lane.get();
                }
                runNanos += System.nanoTime() - began;
            }
            log("floor: %.2f looks per image", (double) runs / images.size());
            return images.size() / (runNanos / 1e9);
        } finally {
            runners.shutdown();
        }
    }

    private static final String MAX_POLL_RECORDS = "mp.messaging.incoming.images-uploaded.max.poll.records";

    /** Most input blocks a chunk of the floor holds (4 MB each) until they have run. */
    private static final int CHUNK_BLOCKS = 96;

    /**
     * The scanner's scale as the worker learns it: what a Kafka batch's images measure counts from the next batch on
     * (the worker takes a batch's images into its pipeline together).
     */
    private static final class Learning {
        private final ScannerScales scales = new ScannerScales();
        private final List<DetectionResult> pending = new ArrayList<>();
        private final int batch;
        private int seen;

        Learning(int batch) {
            this.batch = batch;
        }

        double likely() {
            return scales.likely(SCANNER).orElse(Double.NaN);
        }

        void done(DetectionResult result) {
            pending.add(result);
            if (++seen % batch == 0) {
                pending.forEach(r -> scales.observed(SCANNER, r.scale().scale(), !r.outOfDistribution().isEmpty()));
                pending.clear();
            }
        }
    }

    /**
     * The inputs of every look the detection core takes at an image, copied before each runs, as the worker would
     * prepare them.
     */
    private static List<FloatBuffer> looks(CellDetector detector, Learning learning, byte[] bytes, ImageScale given)
            throws Exception {
        BufferedImage image = ImageDecoder.decode(bytes, ImageLimits.PLATFORM);
        PreparedImage look = given.known() ? detector.prepare(image, given)
                : detector.prepare(image, given, learning.likely());
        List<FloatBuffer> inputs = new ArrayList<>();
        while (true) {
            FloatBuffer prepared = look.input();
            FloatBuffer direct = ByteBuffer.allocateDirect(prepared.remaining() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            direct.put(prepared).rewind();
            inputs.add(direct);
            DetectionStep step = detector.finish(look, detector.infer(List.of(look)).get(0));
            if (step instanceof DetectionStep.RunAgain again) {
                look = again.image();
            } else {
                learning.done(((DetectionStep.Done) step).result());
                return inputs;
            }
        }
    }

    private static void run(OrtEnvironment environment, OrtSession session, String input, int size,
            FloatBuffer prepared) throws Exception {
        int blockLength = 3 * size * size;
        int blocks = prepared.capacity() / blockLength;
        for (int first = 0; first < blocks; first += CellDetector.MAX_BLOCKS_PER_RUN) {
            int count = Math.min(CellDetector.MAX_BLOCKS_PER_RUN, blocks - first);
            FloatBuffer slice = prepared.duplicate().position(first * blockLength).limit((first + count) * blockLength)
                    .slice();
            try (OnnxTensor tensor = OnnxTensor.createTensor(environment, slice, new long[] {count, 3, size, size});
                    OrtSession.Result ignored = session.run(Map.of(input, tensor))) {
                // only the run is measured; its outputs are the worker's business
            }
        }
    }

    /** The worker's counters and timers as Prometheus shows them: every sample by its name and labels. */
    private static Map<String, Double> metrics(ServiceProcess worker) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                worker.baseUri().resolve("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Double> samples = new LinkedHashMap<>();
        Matcher m = Pattern.compile("^(bloodcells_worker_\\S+) (\\S+)$", Pattern.MULTILINE).matcher(response.body());
        while (m.find()) {
            samples.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return samples;
    }

    /**
     * Where the worker's time went over the timed images (the samples after less those before): its own stage
     * timers, mean milliseconds per image, wall time and the CPU time of the worker's thread (none for the model run,
     * whose threads are ONNX Runtime's), and the looks it took per image.
     */
    private static void stages(Map<String, Double> before, Map<String, Double> after) {
        System.out.printf(Locale.ROOT, "%n| worker stage | wall ms per image | CPU ms per image |%n| --- | ---: | ---: |%n");
        double cpuOutside = 0;
        for (String stage : List.of("fetch", "decode", "prepare", "inference", "postprocess", "publish")) {
            double wallMs = meanMillis(before, after, "bloodcells_worker_stage_seconds", stage);
            double cpuMs = meanMillis(before, after, "bloodcells_worker_stage_cpu_seconds", stage);
            if (!stage.equals("inference") && !Double.isNaN(cpuMs)) {
                cpuOutside += cpuMs;
            }
            System.out.printf(Locale.ROOT, "| %s | %.1f | %s |%n", stage, wallMs,
                    stage.equals("inference") ? "(ONNX Runtime)" : String.format(Locale.ROOT, "%.1f", cpuMs));
        }
        System.out.printf(Locale.ROOT, "| **outside the model** | | **%.1f** (%.0f images/s per core) |%n", cpuOutside,
                1000 / cpuOutside);
        log("worker: %.2f looks per image", difference(before, after, "bloodcells_worker_inference_batch_images_sum")
                / difference(before, after, "bloodcells_worker_images_total{outcome=\"detected\"}"));
    }

    private static double meanMillis(Map<String, Double> before, Map<String, Double> after, String timer,
            String stage) {
        String labels = "{stage=\"" + stage + "\"}";
        return 1000 * difference(before, after, timer + "_sum" + labels)
                / difference(before, after, timer + "_count" + labels);
    }

    private static double difference(Map<String, Double> before, Map<String, Double> after, String sample) {
        return after.getOrDefault(sample, Double.NaN) - before.getOrDefault(sample, 0.0);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[%tT] " + format + "%n", prepend(java.time.LocalTime.now(), args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
