package org.bloodcells.events;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * Promotions signed by the registry: the trainer signs every {@link ModelPromoted} it publishes with an Ed25519
 * private key that only it holds, and every reader (detect-worker, results-service) acts only on one its public key
 * verifies. Anyone who can write {@link Topics#MODELS_PROMOTED} can still write a record there; none can make it
 * one the readers accept.
 *
 * <p>What is signed is a canonical byte form of every field that matters ({@link #canonical}), not the JSON, which
 * another writer may lay out differently. Keys travel as Base64 of their standard encodings: PKCS#8 for the private
 * key, X.509 for the public one (as {@code quarkus.oidc.public-key} takes an RSA key).
 */
public final class PromotionSignatures {

    /** The JDK's (17+) name of the signature scheme and of its keys. */
    public static final String ALGORITHM = "Ed25519";

    /** Sets the signed bytes apart from any other Ed25519 signature the key might ever make. */
    private static final String CONTEXT = "bloodcells ModelPromoted v1";

    private PromotionSignatures() {
    }

    /** A new key pair; the local run and the tests make one at start, deployments keep theirs in a Secret. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot make an " + ALGORITHM + " key", e);
        }
    }

    /** @return the private key as {@link #signer} takes it: Base64 of its PKCS#8 encoding */
    public static String encode(PrivateKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** @return the public key as {@link #verifier} takes it: Base64 of its X.509 encoding */
    public static String encode(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * The bytes signed: a context string, then the model's name, version, bucket, key and SHA-256, the previous
     * version, who promoted it, the override's reason (each as its UTF-8 length and bytes, -1 for null) and when
     * (seconds and nanoseconds). Length prefixes keep two different promotions from ever giving the same bytes.
     */
    public static byte[] canonical(ModelPromoted promotion) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, CONTEXT);
            ModelRef model = promotion.model();
            write(out, model == null ? null : model.name());
            write(out, model == null ? null : model.version());
            write(out, model == null ? null : model.bucket());
            write(out, model == null ? null : model.objectKey());
            write(out, model == null ? null : model.sha256());
            write(out, promotion.previous());
            write(out, promotion.promotedBy());
            write(out, promotion.reason());
            if (promotion.promotedAt() == null) {
                out.writeBoolean(false);
            } else {
                out.writeBoolean(true);
                out.writeLong(promotion.promotedAt().getEpochSecond());
                out.writeInt(promotion.promotedAt().getNano());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    /**
     * @param privateKey Base64 of the PKCS#8-encoded Ed25519 private key
     * @throws IllegalArgumentException when it is not one, saying why
     */
    public static Signer signer(String privateKey) {
        try {
            return new Signer(KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(privateKey.strip()))));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not a Base64 PKCS#8 " + ALGORITHM + " private key: " + e.getMessage(),
                    e);
        }
    }

    /**
     * @param publicKey Base64 of the X.509-encoded Ed25519 public key
     * @throws IllegalArgumentException when it is not one, saying why
     */
    public static Verifier verifier(String publicKey) {
        try {
            return new Verifier(KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey.strip()))));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not a Base64 X.509 " + ALGORITHM + " public key: " + e.getMessage(),
                    e);
        }
    }

    /**
     * The verifier of a service's {@code bloodcells.promotion.public-key} setting.
     *
     * @throws IllegalStateException when the setting is not a public key, saying why: the service must not start
     */
    public static Verifier configuredVerifier(String publicKey) {
        try {
            return verifier(publicKey);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("bloodcells.promotion.public-key is " + e.getMessage(), e);
        }
    }

    /** Signs promotions with the registry's private key. */
    public static final class Signer {

        private final PrivateKey key;

        private Signer(PrivateKey key) {
            this.key = key;
        }

        /** @return the promotion carrying its signature (any signature it carried is replaced) */
        public ModelPromoted sign(ModelPromoted promotion) {
            try {
                Signature signature = Signature.getInstance(ALGORITHM);
                signature.initSign(key);
                signature.update(canonical(promotion));
                return promotion.withSignature(Base64.getEncoder().encodeToString(signature.sign()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Cannot sign a promotion: " + e.getMessage(), e);
            }
        }
    }

    /** Checks promotions against the registry's public key. */
    public static final class Verifier {

        private final PublicKey key;

        private Verifier(PublicKey key) {
            this.key = key;
        }

        /** @return why no reader may act on this promotion's signature; empty when the registry's key made it */
        public Optional<String> problem(ModelPromoted promotion) {
            String signed = promotion.signature();
            if (signed == null || signed.isBlank()) {
                return Optional.of("unsigned: a promotion must carry the registry's signature");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(signed);
            } catch (IllegalArgumentException e) {
                return Optional.of("its signature is not Base64");
            }
            try {
                Signature signature = Signature.getInstance(ALGORITHM);
                signature.initVerify(key);
                signature.update(canonical(promotion));
                return signature.verify(bytes) ? Optional.empty()
                        : Optional.of("its signature does not verify with the registry's public key");
            } catch (java.security.SignatureException e) {
                return Optional.of("its signature does not verify with the registry's public key (" + e.getMessage()
                        + ")");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Cannot verify a promotion: " + e.getMessage(), e);
            }
        }
    }
}
