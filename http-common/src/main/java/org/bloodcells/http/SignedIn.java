package org.bloodcells.http;

import jakarta.ws.rs.ForbiddenException;

/**
 * Who did something is who is signed in, never what a request body says: reviews, promotions and training runs are
 * attributed to the token's user. A body may leave its "by" field out; one naming somebody else is refused (403)
 * rather than silently re-attributed, so a script written for the unsigned API learns of the change.
 */
public final class SignedIn {

    private SignedIn() {
    }

    /**
     * @param field   the body's field, for the message
     * @param claimed what the body says, may be null or blank
     * @param user    the signed-in user's name
     * @return the signed-in user's name
     */
    public static String as(String field, String claimed, String user) {
        if (claimed != null && !claimed.isBlank() && !claimed.trim().equals(user)) {
            throw new ForbiddenException(field + " is who is signed in (" + user + "); the request names somebody"
                    + " else");
        }
        return user;
    }
}
