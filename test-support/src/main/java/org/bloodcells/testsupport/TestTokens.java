package org.bloodcells.testsupport;

import java.util.List;
import java.util.Map;

import org.bloodcells.http.Roles;
import org.bloodcells.infra.LocalIdentity;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Bearer tokens for tests, signed by the identity of the servers {@link LocalInfrastructureTestResource}
 * pointed the application at: the same path a hospital's tokens take, no security switched off. They are issued
 * for the application under test: their {@code aud} is the audience its configuration expects
 * ({@code quarkus.oidc.token.audience}).
 */
public final class TestTokens {

    private TestTokens() {
    }

    /** A person or service account with these roles. */
    public static String of(String subject, String... roles) {
        return SharedInfrastructure.jvmWideToken(subject, List.of(roles), audienceUnderTest(), Map.of(),
                LocalIdentity.DEFAULT_LIFETIME.toSeconds());
    }

    /** A scanner's token, allowed to upload as {@code scannerId}. */
    public static String scanner(String scannerId) {
        return SharedInfrastructure.jvmWideToken("scanner:" + scannerId, List.of(Roles.SCANNER), audienceUnderTest(),
                Map.of(Roles.SCANNER_CLAIM, scannerId), LocalIdentity.DEFAULT_LIFETIME.toSeconds());
    }

    /** A token with these roles that expired a minute ago. */
    public static String expired(String subject, String... roles) {
        return SharedInfrastructure.jvmWideToken(subject, List.of(roles), audienceUnderTest(), Map.of(), -60);
    }

    /** A well-formed token with these roles signed by a key the application does not trust. */
    public static String signedByStranger(String subject, String... roles) {
        return LocalIdentity.generate().issue(subject, List.of(roles), audienceUnderTest());
    }

    /** A token the application's identity signed, with these roles, but issued for another service. */
    public static String forAnotherAudience(String audience, String subject, String... roles) {
        return SharedInfrastructure.jvmWideToken(subject, List.of(roles), List.of(audience), Map.of(),
                LocalIdentity.DEFAULT_LIFETIME.toSeconds());
    }

    /** The audience the application under test expects (its configuration is the test's, in a Quarkus test). */
    private static List<String> audienceUnderTest() {
        return ConfigProvider.getConfig().getValues("quarkus.oidc.token.audience", String.class);
    }
}
