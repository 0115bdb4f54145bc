package org.bloodcells.results.query;

/** A query an analyst sent that cannot be answered as asked (400 with this message). */
public class InvalidQueryException extends RuntimeException {

    public InvalidQueryException(String message) {
        super(message);
    }
}
