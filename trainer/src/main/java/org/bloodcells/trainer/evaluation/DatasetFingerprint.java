package org.bloodcells.trainer.evaluation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.bloodcells.eval.VocDataset;

/**
 * SHA-256 over a PASCAL VOC split as a model sees it: each image id in the split's order, its annotation file and
 * its image bytes. Two figures are comparable only over the same fingerprint; a training run names the one it
 * learnt from.
 */
public final class DatasetFingerprint {

    private DatasetFingerprint() {
    }

    /** The fingerprint of the first {@code limit} images of each split (all when null), splits in the given order. */
    public static String of(Path vocDirectory, List<String> splits, Integer limit) {
        VocDataset dataset = VocDataset.open(vocDirectory);
        MessageDigest digest = sha256();
        try {
            for (String split : splits) {
                digest.update(("split " + split + "\n").getBytes(StandardCharsets.UTF_8));
                List<String> ids = dataset.imageIds(split);
                if (limit != null) {
                    ids = ids.subList(0, Math.min(limit, ids.size()));
                }
                for (String id : ids) {
                    digest.update((id + "\n").getBytes(StandardCharsets.UTF_8));
                    digest.update(Files.readAllBytes(vocDirectory.resolve("Annotations").resolve(id + ".xml")));
                    digest.update(Files.readAllBytes(dataset.image(id).file()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + vocDirectory, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
