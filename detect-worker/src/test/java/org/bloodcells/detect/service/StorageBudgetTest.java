package org.bloodcells.detect.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

import org.bloodcells.detect.config.DetectWorkerConfig;
import org.bloodcells.storage.StorageConfig;
import org.junit.jupiter.api.Test;

import io.smallrye.config.WithDefault;

/**
 * With the shipped settings a batch that object storage keeps waiting still ends, failed, before the throttled
 * committer finds its records too old; the retries of the single-image worker (7 attempts of up to 30 s, plus
 * back-off) did not.
 */
class StorageBudgetTest {

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

        assertTrue(budget.fetchBudget().toSeconds() > 0, budget.toString());
        assertTrue(budget.worstCase().compareTo(age) <= 0, budget.worstCase() + " > " + age);
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
}
