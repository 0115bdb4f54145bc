package org.bloodcells.benchmarks;

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
import org.bloodcells.detection.ExecutionProvider;
import org.bloodcells.detection.PreparedImage;
import org.bloodcells.detection.SessionSettings;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageUploaded;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
        List<byte[]> images = BenchmarkImages.load(layout.root().resolve("datasets/bccd"), count);
        log("%d images, %d model runs at once of %d intra-op threads, %d cores, worker settings %s", count,
                parallelRuns, threads, Runtime.getRuntime().availableProcessors(), workerSettings);
        try (LocalInfrastructure infra = LocalInfrastructure.start(layout.runDirectory().resolve("worker-benchmark"))) {
            infra.kafka().createPlatformTopics(LocalPlatform.Options.DEFAULT_PARTITIONS);
            List<ImageUploaded> events = store(infra, images);

            double floorBefore = floor(model, images);
            log("floor before: %.2f images/s", floorBefore);
            Map<String, String> properties = new LinkedHashMap<>(infra.quarkusProperties("detect-worker"));
            properties.put("bloodcells.detector.model-path", model.toString());
            properties.put("bloodcells.detector.intra-op-threads", String.valueOf(threads));
            properties.put("bloodcells.detector.parallel-runs", String.valueOf(parallelRuns));
            properties.put("bloodcells.worker.id", "benchmark-worker");
            properties.putAll(workerSettings);
            double worker;
            try (ServiceProcess process = ServiceProcess.start("detect-worker-benchmark",
                    layout.serviceJar("detect-worker"), freePort(), properties, layout.runDirectory())) {
                process.awaitReady(Duration.ofSeconds(120));
                worker = throughKafka(infra.kafka().adminClientProperties(), events);
                stages(process);
            }
            log("worker: %.2f images/s", worker);
            double floorAfter = floor(model, images);
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
    private static List<ImageUploaded> store(LocalInfrastructure infra, List<byte[]> images) throws Exception {
        MinioClient minio = MinioClient.builder().endpoint(infra.s3().endpoint())
                .credentials(infra.s3().accessKey(), infra.s3().secretKey()).build();
        String bucket = "images";
        if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        List<ImageUploaded> events = new ArrayList<>();
        for (byte[] image : images) {
            String id = ImageId.of(image);
            minio.putObject(PutObjectArgs.builder().bucket(bucket).object(id)
                    .stream(new ByteArrayInputStream(image), image.length, -1).contentType("image/jpeg").build());
            events.add(ImageUploaded.builder().imageId(id).bucket(bucket).objectKey(id).contentType("image/jpeg")
                    .sizeBytes(image.length).scannerId("benchmark").slideId("benchmark").batchId("benchmark")
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

    /**
     * Images per second of raw session.run on each image's prepared input, its views in one run as the worker does,
     * {@code parallelRuns} runs at once on one session. Images are decoded and prepared a chunk at a time before the
     * chunk's runs, untimed; the floor is the images over the summed wall time of the chunks' runs.
     */
    private double floor(Path model, List<byte[]> images) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        ExecutorService runners = Executors.newFixedThreadPool(parallelRuns);
        try (CellDetector detector = CellDetector.load(model, threads);
                OrtSession.SessionOptions options = CellDetector.sessionOptions(
                        new SessionSettings(threads, ExecutionProvider.CPU));
                OrtSession session = environment.createSession(model.toString(), options)) {
            String input = session.getInputNames().iterator().next();
            long[] shape = {detector.settings().testTimeFlips(), 3, detector.model().inputSize(),
                    detector.model().inputSize()};
            List<FloatBuffer> warmUp = prepare(detector, images.subList(0, 1));
            run(environment, session, input, shape, warmUp.get(0));    // ONNX Runtime's lazy initialisation
            long runNanos = 0;
            for (int start = 0; start < images.size(); start += CHUNK) {
                List<FloatBuffer> inputs = prepare(detector, images.subList(start, Math.min(images.size(),
                        start + CHUNK)));
                AtomicInteger next = new AtomicInteger();
                List<Future<?>> lanes = new ArrayList<>();
                long began = System.nanoTime();
                for (int lane = 0; lane < parallelRuns; lane++) {
                    lanes.add(runners.submit(() -> {
                        for (int i = next.getAndIncrement(); i < inputs.size(); i = next.getAndIncrement()) {
                            run(environment, session, input, shape, inputs.get(i));
                        }
                        return null;
                    }));
                }
                for (Future<?> lane : lanes) {
                    lane.get();
                }
                runNanos += System.nanoTime() - began;
            }
            return images.size() / (runNanos / 1e9);
        } finally {
            runners.shutdown();
        }
    }

    /** Images per chunk of the floor: their prepared inputs (8 MB each at two views) are held until they have run. */
    private static final int CHUNK = 48;

    private static List<FloatBuffer> prepare(CellDetector detector, List<byte[]> images) throws Exception {
        List<FloatBuffer> inputs = new ArrayList<>();
        for (byte[] image : images) {
            PreparedImage prepared = detector.prepare(ImageDecoder.decode(image, ImageLimits.PLATFORM));
            FloatBuffer direct = ByteBuffer.allocateDirect(prepared.input().remaining() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            direct.put(prepared.input()).rewind();
            inputs.add(direct);
        }
        return inputs;
    }

    private static void run(OrtEnvironment environment, OrtSession session, String input, long[] shape,
            FloatBuffer prepared) throws Exception {
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, prepared.duplicate(), shape);
                OrtSession.Result ignored = session.run(Map.of(input, tensor))) {
            // only the run is measured; its outputs are the worker's business
        }
    }

    /** Where the worker's time went: its own stage timers, mean milliseconds per image. */
    private static void stages(ServiceProcess worker) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                worker.baseUri().resolve("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, double[]> stages = new LinkedHashMap<>();
        Matcher m = Pattern.compile("^bloodcells_worker_stage_seconds_(count|sum)\\{stage=\"([a-z]+)\"} (\\S+)$",
                Pattern.MULTILINE).matcher(metrics.body());
        while (m.find()) {
            stages.computeIfAbsent(m.group(2), k -> new double[2])[m.group(1).equals("count") ? 0 : 1] =
                    Double.parseDouble(m.group(3));
        }
        StringBuilder line = new StringBuilder("worker stages, mean ms per image:");
        stages.forEach((stage, v) -> line.append(String.format(Locale.ROOT, " %s %.1f", stage, 1000 * v[1] / v[0])));
        log("%s", line);
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
