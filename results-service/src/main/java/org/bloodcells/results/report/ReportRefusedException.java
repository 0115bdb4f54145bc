package org.bloodcells.results.report;

/** A sign-off refused: 400 (malformed), 409 (the report changed or is already signed), 422 (nothing to sign). */
public class ReportRefusedException extends RuntimeException {

    private final int status;

    public ReportRefusedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
