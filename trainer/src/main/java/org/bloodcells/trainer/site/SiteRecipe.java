package org.bloodcells.trainer.site;

import java.util.List;

/**
 * How a site fine-tune trains, where its request does not say: the recipe whose before/after table is in
 * {@code models/README.md} ("A site fine-tune", measured by {@code trainer/site-protocol.sh} with the same values) —
 * a gentle learning rate from a released model, the GIoU term of the release's last stage, small crops and batches
 * for 2 cores, and red cells deformed into elongated and sickle-like shapes so that they stay red cells.
 */
public final class SiteRecipe {

    public static final int BATCH_SIZE = 8;
    public static final int CROP = 384;
    public static final List<String> ARGUMENTS = List.of("--lr", "5e-4", "--giou-weight", "1.0", "--abnormal", "0.5");

    private SiteRecipe() {
    }
}
