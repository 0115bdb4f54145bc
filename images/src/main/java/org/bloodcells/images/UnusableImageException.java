package org.bloodcells.images;

/** Bytes that are not an image the platform can work on, and why. The message is for people. */
public class UnusableImageException extends Exception {

    /** Why; ingest turns each into the HTTP status that tells the client what to fix. */
    public enum Reason {
        /** More bytes than the limit. */
        TOO_LARGE,
        /** No decoder recognises the bytes, or there are none. */
        NOT_AN_IMAGE,
        /** An image, but of a format the platform does not accept (e.g. GIF). */
        UNSUPPORTED_FORMAT,
        /** Wider or taller than the limit. */
        TOO_MANY_PIXELS,
        /** The header is readable but the image data does not decode cleanly (truncated, corrupt). */
        CORRUPT
    }

    private final Reason reason;

    public UnusableImageException(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public UnusableImageException(Reason reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
