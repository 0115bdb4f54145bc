package org.bloodcells.ingest.service;

/**
 * What a file's name may be: it is only echoed back to the client (images are stored under their content address,
 * and logs name them by id), but a name with a path, control characters or a thousand characters is a sign of a
 * broken or hostile client, so it is refused before anything is read.
 */
public final class FileNames {

    /** Longest accepted file name, in characters (most file systems allow 255 bytes). */
    public static final int MAX_LENGTH = 255;

    private FileNames() {
    }

    /**
     * @return the name, when it is a plain file name
     * @throws InvalidUpload saying what is wrong with it
     */
    public static String check(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidUpload("each file needs a name (the multipart part's filename)");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidUpload("a file name has %d characters; at most %d".formatted(name.length(), MAX_LENGTH));
        }
        if (name.codePoints().anyMatch(FileNames::hidden)) {
            throw new InvalidUpload("the file name '" + printable(name) + "' contains control or invisible formatting"
                    + " characters");
        }
        if (name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new InvalidUpload("the file name '" + printable(name)
                    + "' is a path; send the file's name alone (slides and batches are fields)");
        }
        return name;
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
