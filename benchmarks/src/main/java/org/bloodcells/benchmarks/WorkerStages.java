package org.bloodcells.benchmarks;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectionStep;
import org.bloodcells.detection.ImageScale;
import org.bloodcells.detection.ModelOutputs;
import org.bloodcells.detection.PreparedImage;
import org.bloodcells.events.ImageId;
import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.launcher.RepositoryLayout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The detect worker's CPU work per image outside the model, stage by stage, on one thread (one core): the same calls
 * the worker makes on BCCD's test images with the released model at its shipped settings. The model runs once per
 * image in the set-up, untimed; {@code postprocess} finishes those outputs again and again. Fetching from object
 * storage and publishing to Kafka need the servers and are timed by the worker's own stage timers
 * ({@code WorkerThroughput} prints them).
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl benchmarks exec:exec -Dexec.executable=java \
 *     -Dexec.args="-cp %classpath org.openjdk.jmh.Main WorkerStages"
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// -Xss16m: loading the model on JMH's benchmark thread with the default 1 MB stack ended the forked JVM with SIGSEGV
// (exit 139, no error file) on this machine; the worker loads and runs it on threads that never did.
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Xss16m", "-Djava.io.tmpdir=target/tmp"})
@Threads(1)
@State(Scope.Thread)
public class WorkerStages {

    /** BCCD test images cycled through, so that no one image's cache footprint flatters a stage. */
    private static final int IMAGES = 24;

    private CellDetector detector;
    private final List<byte[]> bytes = new ArrayList<>();
    private final List<BufferedImage> decoded = new ArrayList<>();
    private final List<PreparedImage> prepared = new ArrayList<>();
    private final List<ModelOutputs> outputs = new ArrayList<>();
    private int next;
    private long candidatesRead;

    @Setup(Level.Trial)
    public void load() throws Exception {
        long readNanos = 0;
        RepositoryLayout layout = RepositoryLayout.locate();
        detector = CellDetector.load(layout.releasedModel(), 1);
        for (Path file : testImages(layout.root().resolve("datasets/bccd"))) {
            byte[] image = Files.readAllBytes(file);
            BufferedImage pixels = ImageDecoder.decode(image, ImageLimits.PLATFORM);
            PreparedImage input = detector.prepare(pixels, ImageScale.unknown());
            bytes.add(image);
            decoded.add(pixels);
            prepared.add(input);
            ModelOutputs output = detector.infer(List.of(input)).get(0);
            outputs.add(output);
            readNanos += output.readNanos();
        }
        // Reading the candidates off a run's outputs happens with the run, inside infer: timed there, not here.
        candidatesRead = readNanos / bytes.size();
        System.out.printf(Locale.ROOT, "%n# reading the candidates off the model's outputs (with the run): %.3f ms per"
                + " image, not included below%n", candidatesRead / 1e6);
    }

    @TearDown(Level.Trial)
    public void close() {
        detector.close();
    }

    static List<Path> testImages(Path bccd) throws IOException {
        return Files.readAllLines(bccd.resolve("ImageSets/Main/test.txt")).stream().map(String::strip)
                .filter(id -> !id.isEmpty()).limit(IMAGES).map(id -> bccd.resolve("JPEGImages/" + id + ".jpg"))
                .toList();
    }

    private int nextImage() {
        int i = next;
        next = (next + 1) % bytes.size();
        return i;
    }

    /** SHA-256 of the stored bytes, checked against the event's image id. */
    @Benchmark
    public String hash() {
        return ImageId.of(bytes.get(nextImage()));
    }

    /** The platform's decoder: format, limits and a clean decode. */
    @Benchmark
    public BufferedImage decode() throws Exception {
        return ImageDecoder.decode(bytes.get(nextImage()), ImageLimits.PLATFORM);
    }

    /**
     * The decoded image made into the model's input: RGB, letterbox, resampling, normalisation, both views. Its input
     * buffer goes back for reuse, as the worker's does once the model has run on it.
     */
    @Benchmark
    public int prepare() {
        PreparedImage input = detector.prepare(decoded.get(nextImage()), ImageScale.unknown());
        int tiles = input.tiles();
        input.discard();
        return tiles;
    }

    /** The model's outputs made into detections and counts: decoding, soft-NMS, box voting, scale, doubt. */
    @Benchmark
    public DetectionStep postprocess() {
        int i = nextImage();
        return lookDiscarded(detector.finish(prepared.get(i), outputs.get(i)));
    }

    /** A further look the post-processing asks for is not run here: its input goes back, as the worker's would. */
    private static DetectionStep lookDiscarded(DetectionStep step) {
        if (step instanceof DetectionStep.RunAgain again) {
            again.image().discard();
        }
        return step;
    }

    /** Everything above for one image, as the worker does it: its CPU work per image outside the model. */
    @Benchmark
    public void outsideTheModel(Blackhole sink) throws Exception {
        int i = nextImage();
        byte[] image = bytes.get(i);
        sink.consume(ImageId.of(image));
        PreparedImage input = detector.prepare(ImageDecoder.decode(image, ImageLimits.PLATFORM),
                ImageScale.unknown());
        sink.consume(input.tiles());
        input.discard();
        sink.consume(lookDiscarded(detector.finish(prepared.get(i), outputs.get(i))));
    }
}
