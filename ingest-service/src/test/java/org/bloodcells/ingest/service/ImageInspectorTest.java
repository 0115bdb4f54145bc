package org.bloodcells.ingest.service;

import static org.bloodcells.ingest.support.TestImages.bccd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.bloodcells.images.ImageFormat;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.ingest.support.Staged;
import org.bloodcells.images.UnusableImageException.Reason;
import org.junit.jupiter.api.Test;

/** What ingest adds to the platform's decoder (images module, tested there): the id, and the file's name. */
class ImageInspectorTest {

    private final ImageInspector inspector = new ImageInspector(new ImageLimits(1_000_000, 1000, 800));

    @Test
    void aBccdJpegIsAcceptedAndNamedBySha256() {
        InspectedImage image = Staged.inspect(inspector, "a.jpg", bccd("BloodImage_00007.jpg"));

        assertEquals(ImageFormat.JPEG, image.format());
        assertEquals(640, image.width());
        assertEquals(480, image.height());
        // what `sha256sum BloodImage_00007.jpg` prints
        assertEquals("9bbeb1779f6c06d624ad5303749513a2d7567d6a142aa67306964c4122edb309", image.imageId());
    }

    @Test
    void aRejectionNamesTheFileAndTheReason() {
        ImageRejected rejected = assertThrows(ImageRejected.class,
                () -> Staged.inspect(inspector, "notes.txt", "hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Reason.NOT_AN_IMAGE, rejected.reason());
        assertEquals("notes.txt", rejected.fileName());
        assertEquals("notes.txt: " + rejected.detail(), rejected.getMessage());
    }

    @Test
    void theConfiguredLimitsApply() {
        ImageInspector small = new ImageInspector(new ImageLimits(1000, 1000, 1000));
        assertEquals(Reason.TOO_LARGE, assertThrows(ImageRejected.class,
                () -> Staged.inspect(small, "big.jpg", bccd("BloodImage_00007.jpg"))).reason());
    }
}
