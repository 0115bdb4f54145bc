package org.bloodcells.storage;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * What a log line may say of patient data (README "Data protection in logs"): images by their id (the SHA-256 of
 * their bytes), nothing a scanner or an analyst chose. A bucket upload's key ({@code incoming/<scanner>/<batch>/
 * <slide>/<file>}, and its {@code rejected/} copy) holds a batch, a slide and a file name, and storage errors quote
 * keys in their messages; slide and batch ids are patients' too. Logs name such a thing by a pseudonym instead: the
 * first hex digits of its SHA-256, the same in every service's log, so lines about one thing can still be joined.
 */
public final class LogRedaction {

    /** The prefixes under which keys carry the names a scanner chose. */
    private static final Pattern NAMED_KEY = Pattern.compile("(incoming|rejected)(/|%2F)[^\\s\"'<>,;)]*",
            Pattern.CASE_INSENSITIVE);
    private static final int PSEUDONYM_HEX_DIGITS = 12;

    private LogRedaction() {
    }

    /**
     * An object key as a log may show it: keys named by image id ({@code sha256/...}, {@code published/...}) as
     * they are, a key under {@code incoming/} or {@code rejected/} as its prefix and a pseudonym.
     */
    public static String key(String key) {
        if (key == null) {
            return "null";
        }
        var named = NAMED_KEY.matcher(key);
        return named.lookingAt() ? named.group(1) + "/#" + pseudonym(key) : key;
    }

    /** A slide or batch id, or anything else a person chose, as a log may show it: {@code #} and its pseudonym. */
    public static String id(String id) {
        return id == null ? "null" : "#" + pseudonym(id);
    }

    /**
     * A message (an exception's, typically) without the given keys, as they are or URL-encoded, nor any other key
     * under {@code incoming/} or {@code rejected/}: each becomes {@link #key}'s form.
     */
    public static String message(String message, String... keys) {
        if (message == null) {
            return "";
        }
        // The given keys become placeholders first, so that the sweep below cannot cut them short.
        String text = message;
        for (int i = 0; i < keys.length; i++) {
            String key = keys[i];
            if (key != null && !key.isEmpty()) {
                String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
                text = text.replace(key, placeholder(i)).replace(encoded, placeholder(i))
                        .replace(encoded.replace("+", "%20").replace("%2F", "/"), placeholder(i));
            }
        }
        text = NAMED_KEY.matcher(text).replaceAll(found -> found.group(1) + "/…");
        for (int i = 0; i < keys.length; i++) {
            text = text.replace(placeholder(i), key(keys[i]));
        }
        return text;
    }

    private static String placeholder(int index) {
        return "\u0000" + index + "\u0000";
    }

    private static String pseudonym(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, PSEUDONYM_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
