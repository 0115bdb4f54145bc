package org.bloodcells.ingest.service;

import org.bloodcells.images.UnusableImageException.Reason;

/** One uploaded file that is not an acceptable image, and why. */
public class ImageRejected extends RuntimeException {

    private final String fileName;
    private final Reason reason;
    private final String detail;

    public ImageRejected(String fileName, Reason reason, String detail) {
        super(fileName + ": " + detail);
        this.fileName = fileName;
        this.reason = reason;
        this.detail = detail;
    }

    public String fileName() {
        return fileName;
    }

    public Reason reason() {
        return reason;
    }

    /** The HTTP status that says this reason: 413 too large, 415 not an accepted image type, 422 unusable content. */
    public static int httpStatus(Reason reason) {
        return switch (reason) {
            case TOO_LARGE -> 413;
            case NOT_AN_IMAGE, UNSUPPORTED_FORMAT -> 415;
            case TOO_MANY_PIXELS, CORRUPT -> 422;
        };
    }

    /** What is wrong with the file, without its name. */
    public String detail() {
        return detail;
    }
}
