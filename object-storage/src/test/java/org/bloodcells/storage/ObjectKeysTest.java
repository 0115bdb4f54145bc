package org.bloodcells.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.bloodcells.images.ImageFormat;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {

    private static final String ID = "9bbeb1779f6c06d624ad5303749513a2d7567d6a142aa67306964c4122edb309";

    @Test
    void imagesAreContentAddressedAndFannedOutByTheirFirstTwoHexDigits() {
        assertEquals("sha256/9b/" + ID + ".jpg", ObjectKeys.image(ID, ImageFormat.JPEG));
        assertEquals("sha256/9b/" + ID + ".tif", ObjectKeys.image(ID, ImageFormat.TIFF));
    }

    @Test
    void publishedMarkerLivesOutsideTheImagePrefix() {
        String marker = ObjectKeys.publishedMarker(ID);
        assertEquals("published/9b/" + ID + ".json", marker);
        assertFalse(marker.startsWith("sha256/"));
    }
}
