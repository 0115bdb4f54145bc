package org.bloodcells.ingest.access;

import static org.bloodcells.ingest.support.TestImages.IMAGE_11;
import static org.bloodcells.ingest.support.TestImages.IMAGE_7;
import static org.bloodcells.ingest.support.TestImages.uniqueVariant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.bloodcells.http.Roles;
import org.bloodcells.ingest.api.ImageUploadResource;
import org.bloodcells.testsupport.AccessMatrix;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * ingest-service's endpoints × every kind of caller, with real tokens on the real service: only a scanner uploads,
 * only as itself; probes reach health and metrics without a token.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class AccessMatrixTest {

    private static final String BOUNDARY = "matrix-boundary";

    @TestHTTPResource("/")
    URL ingest;

    @Test
    void onlyAScannerUploadsAndProbesNeedNoToken() throws Exception {
        String scanner = "scanner-matrix";
        AccessMatrix matrix = new AccessMatrix(URI.create(ingest.toString()), scanner)
                .row("POST", "/images", "/images?scannerId=" + scanner + "&slideId=s1&batchId=b1", 201,
                        "image/jpeg", uniqueVariant(IMAGE_7), "raw body", Roles.SCANNER)
                .row("POST", "/images", "/images", 201, "multipart/form-data; boundary=" + BOUNDARY,
                        multipart(scanner, uniqueVariant(IMAGE_11)), "multipart", Roles.SCANNER)
                .open("/q/health/live")
                .open("/q/health/ready")
                .open("/q/metrics");
        matrix.assertCovers(ImageUploadResource.class);
        List<String> failures = matrix.check();
        assertTrue(failures.isEmpty(), failures + "\n" + matrix.table());
    }

    @Test
    void aScannersTokenUploadsAsThatScannerOnly() throws Exception {
        String scanner = "scanner-own";
        AccessMatrix asAnother = new AccessMatrix(URI.create(ingest.toString()), "scanner-other")
                .row("POST", "/images", "/images?scannerId=" + scanner + "&slideId=s1&batchId=b1", 201,
                        "image/jpeg", uniqueVariant(IMAGE_7), null, Roles.SCANNER);
        List<String> failures = asAnother.check();
        assertEquals(List.of("POST /images?scannerId=scanner-own&slideId=s1&batchId=b1 as SCANNER: expected 201,"
                + " got 403"), failures, "another scanner's token is refused");
    }

    private static byte[] multipart(String scanner, byte[] image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String[] field : new String[][] { { "scannerId", scanner }, { "slideId", "s2" }, { "batchId", "b2" } }) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n"
                    + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(image);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
