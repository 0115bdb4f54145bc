package org.bloodcells.ingest.api;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.ForbiddenException;

import org.bloodcells.http.Roles;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A scanner uploads only as itself: the scanner id of an upload must be the one its token names in
 * {@link Roles#SCANNER_CLAIM}. A stolen or misconfigured scanner's token cannot file images under
 * another scanner's name.
 */
@RequestScoped
public class ScannerAccess {

    private final JsonWebToken token;

    public ScannerAccess(JsonWebToken token) {
        this.token = token;
    }

    /** Refuses (403) an upload as {@code scannerId} unless the token names that scanner. */
    public void check(String scannerId) {
        check(token.getClaim(Roles.SCANNER_CLAIM), scannerId);
    }

    static void check(Object tokenScanner, String scannerId) {
        if (!(tokenScanner instanceof String named) || named.isBlank()) {
            throw new ForbiddenException("this token names no scanner (claim " + Roles.SCANNER_CLAIM
                    + "): only a scanner's own token uploads");
        }
        if (scannerId != null && !scannerId.isBlank() && !named.equals(scannerId.trim())) {
            throw new ForbiddenException("this token uploads as scanner " + named + " only");
        }
    }

    /** Who uploads, for the audit trail. */
    public String who() {
        return token.getName();
    }
}
