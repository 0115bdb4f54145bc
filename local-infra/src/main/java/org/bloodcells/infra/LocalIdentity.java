package org.bloodcells.infra;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bloodcells.http.Audiences;
import org.bloodcells.http.Roles;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * The hospital's identity provider, stood in for on embedded defaults and in tests: an RSA key made
 * at start, whose public half the services trust ({@code quarkus.oidc.public-key}, no connection to
 * any server) and whose private half signs bearer tokens. Nothing of it is written to the repository;
 * a new run makes a new key, so a token outlives neither the run nor its lifetime.
 *
 * <p>Tokens carry what a hospital's OIDC provider is configured to put in them: the services they are for in
 * {@code aud} (their client ids, {@link Audiences}), the roles in {@code groups}, the user in {@code upn}, and for a
 * scanner its scanner id in {@link Roles#SCANNER_CLAIM}.
 */
public final class LocalIdentity {

    /** The issuer the services accept ({@code quarkus.oidc.token.issuer}). */
    public static final String ISSUER = "https://bloodcells.local/identity";
    /** How long a token made here is valid unless asked otherwise. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(12);

    private final KeyPair keys;

    private LocalIdentity(KeyPair keys) {
        this.keys = keys;
    }

    /** A new 2048-bit RSA key pair, held in memory only. */
    public static LocalIdentity generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new LocalIdentity(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot make an RSA key", e);
        }
    }

    /** The public key, X.509 encoded in Base64, as {@code quarkus.oidc.public-key} takes it. */
    public String publicKey() {
        return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /** What a service needs to trust the tokens signed here. */
    public Map<String, String> quarkusProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.oidc.public-key", publicKey());
        properties.put("quarkus.oidc.token.issuer", ISSUER);
        return properties;
    }

    /**
     * A token for a person or a service account with these roles, valid for {@link #DEFAULT_LIFETIME}.
     *
     * @param audience the client ids of the services it may call: each refuses a token not meant for it
     */
    public String issue(String subject, Collection<String> roles, Collection<String> audience) {
        return issue(subject, roles, audience, Map.of(), DEFAULT_LIFETIME);
    }

    /** A scanner's token for ingest-service: role {@code scanner}, allowed to upload as {@code scannerId} only. */
    public String issueScanner(String scannerId) {
        return issue("scanner:" + scannerId, List.of(Roles.SCANNER), List.of(Audiences.INGEST_SERVICE),
                Map.of(Roles.SCANNER_CLAIM, scannerId), DEFAULT_LIFETIME);
    }

    /**
     * A signed token (RS256).
     *
     * @param lifetime negative for a token that has already expired, as tests need one
     */
    public String issue(String subject, Collection<String> roles, Collection<String> audience,
            Map<String, String> claims, Duration lifetime) {
        JwtClaims body = new JwtClaims();
        body.setIssuer(ISSUER);
        body.setAudience(new ArrayList<>(audience));
        body.setSubject(subject);
        body.setClaim("upn", subject);
        body.setStringListClaim("groups", new ArrayList<>(roles));
        body.setIssuedAtToNow();
        long now = System.currentTimeMillis() / 1000;
        body.setClaim("exp", now + lifetime.toSeconds());
        body.setGeneratedJwtId();
        claims.forEach(body::setClaim);
        JsonWebSignature signature = new JsonWebSignature();
        signature.setPayload(body.toJson());
        signature.setKey(keys.getPrivate());
        signature.setKeyIdHeaderValue("local");
        signature.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return signature.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("Cannot sign a token", e);
        }
    }
}
