package org.bloodcells.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bloodcells.ingest.bucket.IncomingKey;
import org.bloodcells.launcher.RepositoryLayout;
import org.bloodcells.testsupport.BackgroundInstall;
import org.junit.jupiter.api.Test;

/**
 * A scanner that writes to the bucket may put only under {@code incoming/<its id>/}: ingest takes the scanner from
 * the key's first folder, and believes it only because each scanner's storage user holds a policy for its own prefix
 * (README "Uploading to the bucket"). The policy compose gives each scanner is the template with its id filled in.
 */
class ScannerBucketPolicyTest {

    private static final Path ROOT = RepositoryLayout.locate().root();
    private static final Path TEMPLATE = ROOT.resolve("deploy/minio-policies/scanner-template.json");
    private static final Path COMPOSE = Path.of("/usr/bin/docker-compose");

    /** As compose's storage-users step fills it in (sed s/SCANNER_ID/<id>/g). */
    private static String policyFor(String scannerId) throws Exception {
        return Files.readString(TEMPLATE).replace("SCANNER_ID", scannerId);
    }

    private static List<String> all(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    @Test
    void aScannersPolicyMayOnlyPutUnderItsOwnIncomingFolder() throws Exception {
        String policy = policyFor("scanner-7");
        assertEquals(List.of("arn:aws:s3:::images/" + IncomingKey.INCOMING + "scanner-7/*"),
                all(Pattern.compile("\"(arn:aws:s3:::[^\"]*)\""), policy), "the only resource is its own folder");
        assertEquals(List.of("s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"),
                all(Pattern.compile("\"(s3:[A-Za-z]+)\""), policy), "it may write, not read, list or delete");
        assertEquals(List.of("Allow"), all(Pattern.compile("\"Effect\"\\s*:\\s*\"(\\w+)\""), policy));
    }

    @Test
    void composeHandsTheScannersCredentialsToTheStep() throws Exception {
        BackgroundInstall.assumeSucceeded();
        assumeTrue(Files.isExecutable(COMPOSE), "no docker-compose: apt-get install docker-compose");
        ProcessBuilder builder = new ProcessBuilder(COMPOSE.toString(), "-f", "docker-compose.yml", "config")
                .directory(ROOT.toFile()).redirectErrorStream(true);
        ComposeFileTest.minimalEnvironment().forEach(builder.environment()::put);
        builder.environment().put("SCANNER_CREDENTIALS", "scanner-7=s7 scanner-8=s8");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        assertTrue(output.contains("SCANNER_CREDENTIALS: scanner-7=s7 scanner-8=s8"), output);
        assertTrue(output.contains("/policies/scanner-template.json"), "the step fills in the template: " + output);
    }
}
