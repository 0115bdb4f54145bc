package org.bloodcells.testsupport;

import java.util.List;
import java.util.Map;

import org.bloodcells.infra.LocalIdentity;

/**
 * Bearer tokens for tests, signed by the identity of the servers {@link LocalInfrastructureTestResource}
 * pointed the application at: the same path a hospital's tokens take, no security switched off.
 */
public final class TestTokens {

    private TestTokens() {
    }

    /** A person or service account with these roles. */
    public static String of(String subject, String... roles) {
        return SharedInfrastructure.jvmWideToken(subject, List.of(roles), Map.of(),
                LocalIdentity.DEFAULT_LIFETIME.toSeconds());
    }

    /** A scanner's token, allowed to upload as {@code scannerId}. */
    public static String scanner(String scannerId) {
        return SharedInfrastructure.jvmWideScannerToken(scannerId);
    }

    /** A token with these roles that expired a minute ago. */
    public static String expired(String subject, String... roles) {
        return SharedInfrastructure.jvmWideToken(subject, List.of(roles), Map.of(), -60);
    }

    /** A well-formed token with these roles signed by a key the application does not trust. */
    public static String signedByStranger(String subject, String... roles) {
        return LocalIdentity.generate().issue(subject, List.of(roles));
    }
}
