package org.bloodcells.results.review;

/** A review that cannot be stored as sent: 400 (the request) or 409 (the image's state). */
public class ReviewRefusedException extends RuntimeException {

    private final int status;

    public ReviewRefusedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
