package org.bloodcells.detection;

/** The bytes are not an image this detector can decode (JPEG, PNG, BMP, GIF; RGB, grey, indexed or CMYK). */
public class UndecodableImageException extends Exception {

    public UndecodableImageException(String message) {
        super(message);
    }

    public UndecodableImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
