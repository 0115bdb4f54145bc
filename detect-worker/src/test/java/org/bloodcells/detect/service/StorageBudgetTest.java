package org.bloodcells.detect.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.bloodcells.detect.config.DetectWorkerConfig;
import org.bloodcells.detect.metrics.WorkerMetrics;
import org.bloodcells.detect.storage.ImageStore;
import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.ScannerScales;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.storage.MinioClientProducer;
import org.bloodcells.storage.StorageConfig;
import org.bloodcells.storage.StorageUnavailableException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.WithDefault;

/**
 * With the shipped settings a batch that object storage keeps waiting still ends, failed, before the throttled
 * committer finds its records too old; the retries of the single-image worker (7 attempts of up to 30 s, plus
 * back-off) did not.
 */
class StorageBudgetTest {

    private static final Path MODEL = Path.of("../models/efficientdet-d0-bccd.onnx");
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule()).build();

    private static Duration mappingDefault(Class<?> mapping, String method) throws NoSuchMethodException {
        String value = mapping.getMethod(method).getAnnotation(WithDefault.class).value().toUpperCase(Locale.ROOT);
        return Duration.parse("PT" + value);
    }

    private static Duration shippedRecordAge() throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return Duration.ofMillis(Long.parseLong(properties.getProperty(
                "mp.messaging.incoming.images-uploaded.throttled.unprocessed-record-max-age.ms")));
    }

    @Test
    void withTheShippedSettingsABatchEndsBeforeItsRecordsAreTooOld() throws Exception {
        Duration age = shippedRecordAge();
        StorageBudget budget = new StorageBudget(age, mappingDefault(StorageConfig.class, "connectTimeout"),
                mappingDefault(StorageConfig.class, "timeout"),
                mappingDefault(DetectWorkerConfig.Worker.class, "publishTimeout")).check();

        // 120 s less one call (5 + 30 s), the detection allowance (30 s) and the publish timeout (10 s)
        assertEquals(Duration.ofSeconds(45), budget.fetchBudget(), budget.toString());
        Duration singleImageRetries = mappingDefault(StorageConfig.class, "timeout").multipliedBy(7)
                .plusSeconds(30);
        assertTrue(singleImageRetries.compareTo(age) > 0, "what this replaced did not fit: " + singleImageRetries);
    }

    @Test
    void timeoutsThatLeaveNoTimeToReadStopTheWorkerAtStart() {
        StorageBudget tooSlow = new StorageBudget(Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(10));
        IllegalStateException e = assertThrows(IllegalStateException.class, tooSlow::check);
        assertTrue(e.getMessage().contains("lower bloodcells.storage.timeout"), e.getMessage());
        assertEquals(Duration.ofSeconds(-15), tooSlow.fetchBudget());
    }

    /**
     * A store that accepts connections and never answers (a hung server, a half-open network path): the batch
     * fails, for redelivery, within its fetch budget and one storage call, however many images are queued behind.
     */
    @Test
    void aBatchAgainstAStoreThatNeverAnswersFailsWithinItsFetchBudgetAndOneCall() throws Exception {
        Duration fetchBudget = Duration.ofSeconds(2);
        Duration oneCall = Duration.ofMillis(500 + 1000);
        ExecutorService onePrepareThread = Executors.newSingleThreadExecutor();
        ExecutorService modelPool = Executors.newSingleThreadExecutor();
        try (SilentServer store = new SilentServer(); CellDetector detector = CellDetector.load(MODEL, 1)) {
            ImageDetectionService service = new ImageDetectionService(
                    new ImageStore(MinioClientProducer.create(storage(store.endpoint(), Duration.ofMillis(500),
                            Duration.ofMillis(1000)))),
                    ModelLease.of(detector), JSON, "images", "worker-budget", Clock.systemUTC(), onePrepareThread,
                    modelPool, new ImageDetectionService.Pipeline(1, Duration.ZERO, 1, 100, fetchBudget),
                    new WorkerMetrics(new SimpleMeterRegistry()), new ScannerScales());
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                batch.add(JSON.writeValueAsString(ImageUploaded.builder().imageId("%064d".formatted(i))
                        .bucket("images").objectKey("img/" + i).contentType("image/jpeg").sizeBytes(1)
                        .scannerId("scanner").slideId("slide").batchId("batch").uploadedAt(Instant.now()).build()));
            }

            long began = System.nanoTime();
            assertThrows(StorageUnavailableException.class, () -> service.process(batch));
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertTrue(took.compareTo(fetchBudget.plus(oneCall).plusSeconds(1)) < 0,
                    "16 images behind one thread, each read timing out, took " + took);
            assertTrue(store.connections() >= 1, "the store was never asked");
        } finally {
            onePrepareThread.shutdownNow();
            modelPool.shutdownNow();
        }
    }

    /** A store that answers, but a byte at a time, under its read timeout: the call still ends within its limit. */
    @Test
    void aStoreThatTricklesItsAnswerIsGivenUpOnWithinTheConnectAndReadTimeouts() throws Exception {
        try (SilentServer store = new SilentServer(true)) {
            ImageStore images = new ImageStore(MinioClientProducer.create(storage(store.endpoint(),
                    Duration.ofMillis(500), Duration.ofMillis(1000))));

            long began = System.nanoTime();
            assertThrows(StorageUnavailableException.class, () -> images.fetch("images", "img/1"));
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertTrue(took.compareTo(Duration.ofMillis(1500 + 1000)) < 0, "a trickling answer took " + took);
            assertTrue(took.compareTo(Duration.ofMillis(1000)) >= 0, "gave up before the call's limit: " + took);
        }
    }

    private static StorageConfig storage(String endpoint, Duration connect, Duration read) {
        return new StorageConfig() {
            public String endpoint() {
                return endpoint;
            }

            public String accessKey() {
                return "key";
            }

            public String secretKey() {
                return "secret-key";
            }

            public String bucket() {
                return "images";
            }

            public String modelsBucket() {
                return "models";
            }

            public Duration timeout() {
                return read;
            }

            public Duration connectTimeout() {
                return connect;
            }
        };
    }

    /**
     * A TCP server that reads requests and never answers them, or (trickling) answers with a header promising a
     * large body and then sends one byte every 300 ms, each read arriving well inside any read timeout.
     */
    private static final class SilentServer implements AutoCloseable {

        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        SilentServer() throws IOException {
            this(false);
        }

        SilentServer(boolean trickle) throws IOException {
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket client = socket.accept();
                        accepted.add(client);
                        if (trickle) {
                            Thread sender = new Thread(() -> trickle(client), "trickling-store");
                            sender.setDaemon(true);
                            sender.start();
                        }
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "silent-store");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void trickle(Socket client) {
            try {
                OutputStream out = client.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000"
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                while (!client.isClosed()) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(300);
                }
            } catch (IOException | InterruptedException gone) {
                // the client gave up, as it should
            }
        }

        String endpoint() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        int connections() {
            return accepted.size();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket client : accepted) {
                client.close();
            }
        }
    }
}
