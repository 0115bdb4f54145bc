package org.bloodcells.infra;

import java.security.KeyPair;
import java.util.Map;

import org.bloodcells.events.PromotionSignatures;

/**
 * The registry's promotion key, stood in for on embedded defaults and in tests: an Ed25519 key pair made at start
 * and held in memory only. The trainer gets the private half ({@link #signingProperties()}), workers and
 * results-service the public half ({@link #verifyingProperties()}); deployments keep theirs in a Secret. Made and
 * encoded by events' {@link PromotionSignatures}, the code that reads them, so the two cannot drift apart. This runs
 * in the caller's JVM only: {@code events} is kept off the broker's class path (see this module's pom).
 */
public final class PromotionKeys {

    /** The trainer's setting holding the private key. */
    public static final String SIGNING_KEY = "bloodcells.promotion.signing-key";
    /** The workers' and results-service's setting holding the public key. */
    public static final String PUBLIC_KEY = "bloodcells.promotion.public-key";

    private final KeyPair keys;

    private PromotionKeys(KeyPair keys) {
        this.keys = keys;
    }

    public static PromotionKeys generate() {
        return new PromotionKeys(PromotionSignatures.generate());
    }

    /**
     * The key settings a service maps, by its {@code quarkus.application.name}: the trainer both halves (it checks
     * they are one pair), the readers the public half, any other none (a service whose config mapping is rooted at
     * {@code bloodcells} refuses a {@code bloodcells.*} setting it does not map).
     */
    public Map<String, String> propertiesFor(String application) {
        return switch (application) {
            case "trainer" -> {
                Map<String, String> both = new java.util.LinkedHashMap<>(signingProperties());
                both.putAll(verifyingProperties());
                yield both;
            }
            case "detect-worker", "results-service" -> verifyingProperties();
            default -> Map.of();
        };
    }

    /** What the trainer needs to sign promotions. */
    public Map<String, String> signingProperties() {
        return Map.of(SIGNING_KEY, PromotionSignatures.encode(keys.getPrivate()));
    }

    /** What a reader of promotions needs to verify them. */
    public Map<String, String> verifyingProperties() {
        return Map.of(PUBLIC_KEY, PromotionSignatures.encode(keys.getPublic()));
    }
}
