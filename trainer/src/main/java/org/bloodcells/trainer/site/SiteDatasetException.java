package org.bloodcells.trainer.site;

/** A site's dataset that a fine-tune cannot use: missing, incomplete, altered, too small or naming unknown classes. */
public class SiteDatasetException extends RuntimeException {

    public SiteDatasetException(String message) {
        super(message);
    }
}
