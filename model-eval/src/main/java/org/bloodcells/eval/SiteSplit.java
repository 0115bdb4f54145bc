package org.bloodcells.eval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The other lab's crops split once into a site's corrections and its held-back images, as a hospital's own would be:
 * ranked by the SHA-256 of each file name, the first half are "site corrections" (a site fine-tune may train and tune
 * on them), the rest are held back (never trained or tuned on; the before/after figures are measured there). The rank
 * depends on nothing but the names, so every reader, in any order and in any language, draws the same halves;
 * {@code datasets/draaslan-bcd/split/} lists them for those that do not run this code.
 *
 * @param corrections the half a site fine-tune may learn from
 * @param heldBack    the half only ever measured
 */
public record SiteSplit(List<AnnotatedImage> corrections, List<AnnotatedImage> heldBack) {

    public SiteSplit {
        corrections = List.copyOf(corrections);
        heldBack = List.copyOf(heldBack);
    }

    public static SiteSplit of(List<AnnotatedImage> images) {
        List<AnnotatedImage> ranked = images.stream()
                .sorted(Comparator.comparing((AnnotatedImage image) -> rank(image.file().getFileName().toString()))
                        .thenComparing(image -> image.file().getFileName().toString()))
                .toList();
        int half = ranked.size() / 2;
        return new SiteSplit(ranked.subList(0, half), ranked.subList(half, ranked.size()));
    }

    /** The SHA-256 of a file name, lower-case hex: its place in the ranking. */
    static String rank(String fileName) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(fileName.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
