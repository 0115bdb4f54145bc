package org.bloodcells.ingest.bucket;

import org.bloodcells.ingest.service.FileNames;
import org.bloodcells.ingest.service.ImageOrigin;
import org.bloodcells.ingest.service.InvalidUpload;

/**
 * Where a scanner puts an image in the bucket: {@code incoming/<scannerId>/<batchId>/<slideId>/<file name>}. The path
 * says the image's origin, as an HTTP upload's fields do; a rejected object moves to the same path under
 * {@code rejected/}, with its reason beside it.
 *
 * <p>The scanner is believed only because of the store's policies: each scanner's credentials may put only under
 * {@code incoming/<its id>/} (README "Uploading to the bucket", {@code deploy/minio-policies/scanner-template.json}).
 * Nothing in the object proves who wrote it.
 */
public record IncomingKey(String key, ImageOrigin origin, String fileName) {

    public static final String INCOMING = "incoming/";
    public static final String REJECTED = "rejected/";

    /** The layout, for messages and README. */
    public static final String LAYOUT = INCOMING + "<scannerId>/<batchId>/<slideId>/<file name>";

    /**
     * @throws InvalidUpload when the key does not follow {@link #LAYOUT} or a part of it is not a valid id or name
     */
    public static IncomingKey parse(String key) {
        if (!key.startsWith(INCOMING)) {
            throw new InvalidUpload("not under " + INCOMING);
        }
        String[] parts = key.substring(INCOMING.length()).split("/", -1);
        if (parts.length != 4) {
            throw new InvalidUpload("an incoming object's key must be " + LAYOUT + "; this one has "
                    + (parts.length - 1) + " folder(s) below " + INCOMING);
        }
        ImageOrigin origin = new ImageOrigin(parts[0], parts[2], parts[1]);
        return new IncomingKey(key, origin, FileNames.check(parts[3]));
    }

    /** Where the object goes when it is rejected. */
    public static String rejectedKey(String incomingKey) {
        return REJECTED + incomingKey.substring(INCOMING.length());
    }

    /** The reason written beside a rejected object. */
    public static String reasonKey(String incomingKey) {
        return rejectedKey(incomingKey) + ".reason.json";
    }
}
