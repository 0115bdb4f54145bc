package org.bloodcells.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The servers the Kafka, PostgreSQL and S3 tests talk to: one {@link LocalInfrastructure} for all three test classes,
 * started once (its servers start side by side) and stopped when the test JVM ends. Starting each server on its
 * own for each class took longer than their tests. LocalInfrastructureTest starts and stops its own set.
 */
final class SharedServers {

    private static LocalInfrastructure infrastructure;

    private SharedServers() {
    }

    static synchronized LocalInfrastructure get() {
        if (infrastructure == null) {
            try {
                Path parent = WorkDirectory.createUnder(WorkDirectory.defaultParent(), "local-infra-servers-");
                infrastructure = LocalInfrastructure.start(parent);
                LocalInfrastructure started = infrastructure;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    started.close();
                    WorkDirectory.delete(parent);
                }, "shared-servers-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return infrastructure;
    }
}
