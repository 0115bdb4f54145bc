package org.bloodcells.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogRedactionTest {

    private static final String KEY = "incoming/scanner-1/batch PAT-42/slide PAT-42/Jane Doe 1980.jpg";

    @Test
    void keysNamedByTheScannerBecomePseudonymsAndImageKeysStay() {
        String image = "sha256/ab/" + "ab".repeat(32) + ".jpg";
        assertEquals(image, LogRedaction.key(image));
        assertTrue(LogRedaction.key(KEY).matches("incoming/#[0-9a-f]{12}"), LogRedaction.key(KEY));
        assertEquals(LogRedaction.key(KEY), LogRedaction.key(KEY), "the same key, the same pseudonym");
        assertTrue(LogRedaction.id("batch PAT-42").matches("#[0-9a-f]{12}"));
    }

    @Test
    void aStorageErrorsMessageKeepsNoKeyItQuotesRawOrEncodedNorAnyOtherScannerKey() {
        String rejected = "rejected/" + KEY.substring("incoming/".length());
        String message = "copy " + KEY + " to " + rejected + ": Object does not exist, resource: /images/"
                + KEY.replace(" ", "%20") + ", and also rejected/scanner-2/b/s/other.jpg";
        String redacted = LogRedaction.message(message, KEY, rejected);
        for (String secret : new String[] { "PAT-42", "Jane", "Doe", "other.jpg" }) {
            assertFalse(redacted.contains(secret), secret + " in " + redacted);
        }
        assertTrue(redacted.startsWith("copy " + LogRedaction.key(KEY) + " to " + LogRedaction.key(rejected)),
                redacted);
    }
}
