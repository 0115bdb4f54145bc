package org.bloodcells.results.config;

import io.smallrye.config.ConfigMapping;

/** What results-service trusts from the model registry. */
@ConfigMapping(prefix = "bloodcells.promotion")
public interface PromotionConfig {

    /**
     * The registry's Ed25519 public key (Base64 of its X.509 encoding): a promotion whose signature it does not verify
     * is parked, not recorded. The trainer signs with the private half.
     */
    String publicKey();
}
