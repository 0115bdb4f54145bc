package org.bloodcells.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** Only the registry's key makes a promotion readers accept, and every field that matters is under its signature. */
class PromotionSignaturesTest {

    private static final KeyPair REGISTRY = PromotionSignatures.generate();
    private static final PromotionSignatures.Signer SIGNER =
            PromotionSignatures.signer(PromotionSignatures.encode(REGISTRY.getPrivate()));
    private static final PromotionSignatures.Verifier VERIFIER =
            PromotionSignatures.verifier(PromotionSignatures.encode(REGISTRY.getPublic()));

    private static final ModelRef MODEL = new ModelRef("efficientdet-d0-bccd", "1.3.0", "models",
            "efficientdet-d0-bccd/1.3.0/model.onnx", "9f".repeat(32));
    private static final ModelPromoted PROMOTION = new ModelPromoted(MODEL, "1.2.0", "olga", null,
            Instant.parse("2026-11-23T10:15:30.123456789Z"));

    @Test
    void aPromotionSignedWithTheRegistrysKeyVerifiesAfterTravellingAsJson() throws Exception {
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        ModelPromoted signed = SIGNER.sign(PROMOTION);
        ModelPromoted read = json.readValue(json.writeValueAsString(signed), ModelPromoted.class);
        assertEquals(signed, read);
        assertEquals(Optional.empty(), VERIFIER.problem(read));
    }

    @Test
    void anUnsignedPromotionIsRefused() {
        assertTrue(VERIFIER.problem(PROMOTION).orElseThrow().startsWith("unsigned"));
    }

    @Test
    void aPromotionSignedWithAnotherKeyIsRefused() {
        PromotionSignatures.Signer other =
                PromotionSignatures.signer(PromotionSignatures.encode(PromotionSignatures.generate().getPrivate()));
        assertTrue(VERIFIER.problem(other.sign(PROMOTION)).orElseThrow().contains("does not verify"));
        assertTrue(VERIFIER.problem(PROMOTION.withSignature("not base64!")).orElseThrow().contains("not Base64"));
    }

    @Test
    void changingAnySignedFieldBreaksTheSignature() {
        String signature = SIGNER.sign(PROMOTION).signature();
        ModelRef m = MODEL;
        Instant at = PROMOTION.promotedAt();
        for (ModelPromoted changed : new ModelPromoted[] {
                new ModelPromoted(new ModelRef("other", m.version(), m.bucket(), m.objectKey(), m.sha256()), "1.2.0",
                        "olga", null, at),
                new ModelPromoted(new ModelRef(m.name(), "1.4.0", m.bucket(), m.objectKey(), m.sha256()), "1.2.0",
                        "olga", null, at),
                new ModelPromoted(new ModelRef(m.name(), m.version(), "candidates", m.objectKey(), m.sha256()),
                        "1.2.0", "olga", null, at),
                new ModelPromoted(new ModelRef(m.name(), m.version(), m.bucket(), "x/model.onnx", m.sha256()),
                        "1.2.0", "olga", null, at),
                new ModelPromoted(new ModelRef(m.name(), m.version(), m.bucket(), m.objectKey(), "ab".repeat(32)),
                        "1.2.0", "olga", null, at),
                new ModelPromoted(m, null, "olga", null, at),
                new ModelPromoted(m, "1.2.0", "mallory", null, at),
                new ModelPromoted(m, "1.2.0", "olga", "gate overridden", at),
                new ModelPromoted(m, "1.2.0", "olga", null, at.plusNanos(1)) }) {
            assertTrue(VERIFIER.problem(changed.withSignature(signature)).isPresent(), changed.toString());
        }
    }

    @Test
    void aKeyThatIsNotOneIsRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PromotionSignatures.verifier("bm90IGEga2V5"))
                .getMessage().contains("X.509 Ed25519 public key"));
        assertThrows(IllegalArgumentException.class,
                () -> PromotionSignatures.signer(PromotionSignatures.encode(REGISTRY.getPublic())));
    }
}
