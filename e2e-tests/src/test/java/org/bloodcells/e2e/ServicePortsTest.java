package org.bloodcells.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bloodcells.launcher.RepositoryLayout;
import org.bloodcells.uploader.UploadCommand;
import org.junit.jupiter.api.Test;

/**
 * A service's HTTP port has one home in the checkout, {@code quarkus.http.port} in its application.properties (the
 * launcher reads it there). The uploader cannot read it (it runs on scanners' hosts, without the services), and the
 * READMEs name it for people: those copies are held to it here.
 */
class ServicePortsTest {

    private static final List<String> SERVICES = List.of("ingest-service", "detect-worker", "results-service",
            "trainer");
    private static final RepositoryLayout LAYOUT = RepositoryLayout.locate();

    @Test
    void theUploaderSendsToIngestServicesOwnPortByDefault() {
        assertEquals(LAYOUT.servicePort("ingest-service"), URI.create(UploadCommand.DEFAULT_URL).getPort());
    }

    @Test
    void everyPortTheReadmesNameIsTheServicesOwn() throws IOException {
        String readme = Files.readString(LAYOUT.root().resolve("README.md"));
        List<String> wrong = new ArrayList<>();
        for (String service : SERVICES) {
            int port = LAYOUT.servicePort(service);
            int named = 0;
            // The modules table ("| `ingest-service` | ... (port 8081)") and the API's headings ("ingest-service (8081):").
            Matcher row = Pattern.compile("(?m)^\\| `" + service + "` \\|[^\\n]*?\\(port (\\d+)").matcher(readme);
            Matcher heading = Pattern.compile("(?m)^" + service + " \\((\\d+)\\)").matcher(readme);
            Path serviceReadme = LAYOUT.root().resolve(service).resolve("README.md");
            Matcher own = Pattern.compile("port (\\d{4})").matcher(
                    Files.exists(serviceReadme) ? Files.readString(serviceReadme) : "");
            for (Matcher m : List.of(row, heading, own)) {
                while (m.find()) {
                    named++;
                    if (Integer.parseInt(m.group(1)) != port) {
                        wrong.add(service + ": \"" + m.group() + "\", its port is " + port);
                    }
                }
            }
            assertTrue(named > 0, "README's modules table names " + service + "'s port");
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }
}
