package org.bloodcells.events;

import java.util.Optional;

/**
 * What an uploaded file's name may be, wherever it is checked (ingest-service refuses the upload, the uploader's dry
 * run says so first): a plain name, no path, no control or invisible formatting characters, at most
 * {@value #MAX_LENGTH} characters. The name is only echoed back (images are stored under their content address, and
 * logs name them by id), but a name like that is a sign of a broken or hostile client.
 */
public final class FileNameRule {

    /** Longest accepted file name, in characters (most file systems allow 255 bytes). */
    public static final int MAX_LENGTH = 255;

    private FileNameRule() {
    }

    /** @return what is wrong with the name; empty when it is a plain file name */
    public static Optional<String> problem(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of("each file needs a name (the multipart part's filename)");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("a file name has %d characters; at most %d".formatted(name.length(), MAX_LENGTH));
        }
        if (name.codePoints().anyMatch(FileNameRule::hidden)) {
            return Optional.of("the file name '" + printable(name) + "' contains control or invisible formatting"
                    + " characters");
        }
        if (name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            return Optional.of("the file name '" + printable(name)
                    + "' is a path; send the file's name alone (slides and batches are fields)");
        }
        return Optional.empty();
    }

    /** Control characters and invisible formatting (e.g. U+202E, which shows "gpj.exe" as "exe.jpg"). */
    private static boolean hidden(int c) {
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT;
    }

    /** The text with control and formatting characters shown as '?' and cut to 80 characters, safe in an answer. */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(80).forEach(c -> out.appendCodePoint(hidden(c) ? '?' : c));
        return text.codePointCount(0, text.length()) > 80 ? out + "…" : out.toString();
    }
}
