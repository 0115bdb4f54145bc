package org.bloodcells.ingest.service;

/** One uploaded file that is not an acceptable image, and why. */
public class ImageRejected extends RuntimeException {

    /** Why a file was refused; the API turns each into the status that tells the client what to fix. */
    public enum Reason {
        /** More bytes than the configured maximum. */
        TOO_LARGE,
        /** No ImageIO decoder recognises the bytes, or the file is empty. */
        NOT_AN_IMAGE,
        /** An image, but of a format ingest does not accept (e.g. GIF). */
        UNSUPPORTED_FORMAT,
        /** Wider or taller than the configured maximum. */
        TOO_MANY_PIXELS,
        /** The header is readable but the image data does not decode cleanly (truncated, corrupt). */
        CORRUPT
    }

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
