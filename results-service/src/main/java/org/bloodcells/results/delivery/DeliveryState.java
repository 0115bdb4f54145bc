package org.bloodcells.results.delivery;

/** Where an outbox entry stands. No entry is ever given up: a failed one is tried again until it is delivered. */
public enum DeliveryState {
    /** Not tried yet (or delivery is off: no endpoint configured). */
    PENDING,
    /** The last attempt failed (its error and the attempts are kept); tried again at its next attempt time. */
    FAILED,
    /** The endpoint accepted the PUT. */
    DELIVERED
}
