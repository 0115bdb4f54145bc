package org.bloodcells.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalInfrastructureTest {

    @Test
    void startsAllThreeServersAndDeletesItsFilesOnClose() throws Exception {
        Path parent = WorkDirectory.createUnder(WorkDirectory.defaultParent(), "local-infra-test-");
        Path workDir;
        try (LocalInfrastructure infrastructure = LocalInfrastructure.start(parent)) {
            Map<String, String> properties = infrastructure.quarkusProperties();
            assertEquals(Set.of("kafka.bootstrap.servers", "kafka.security.protocol", "kafka.sasl.mechanism",
                    "quarkus.datasource.jdbc.url", "quarkus.datasource.username",
                    "quarkus.datasource.password", "bloodcells.storage.endpoint", "bloodcells.storage.access-key",
                    "bloodcells.storage.secret-key", "quarkus.oidc.public-key", "quarkus.oidc.token.issuer"),
                    properties.keySet());
            try (Connection connection = DriverManager.getConnection(properties.get("quarkus.datasource.jdbc.url"),
                    properties.get("quarkus.datasource.username"), properties.get("quarkus.datasource.password"))) {
                assertTrue(connection.isValid(5));
            }
            try (var files = Files.list(parent)) {
                workDir = files.findFirst().orElseThrow();
            }
        }
        assertFalse(Files.exists(workDir), workDir + " should be gone");
        WorkDirectory.delete(parent);
    }
}
