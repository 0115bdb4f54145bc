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

    /** What is wrong with the file, without its name. */
    public String detail() {
        return detail;
    }
}
