package org.bloodcells.images;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** PNG chunks written by hand, for tests and benchmarks that need PNGs ImageIO would not write. */
public final class PngChunks {

    /** Signature (8 bytes) and the IHDR chunk (4 length + 4 type + 13 data + 4 CRC). */
    private static final int AFTER_HEADER = 8 + 4 + 4 + 13 + 4;

    private PngChunks() {
    }

    /** Appends one chunk: its length, type, data and the CRC-32 of type and data. */
    public static void write(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(typeBytes);
        png.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** The PNG with a tEXt chunk after its header chunk: the same picture, new bytes. */
    public static byte[] withText(byte[] png, String text) {
        byte[] data = ("Comment\0" + text).getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + data.length + 12);
        out.write(png, 0, AFTER_HEADER);
        write(out, "tEXt", data);
        out.write(png, AFTER_HEADER, png.length - AFTER_HEADER);
        return out.toByteArray();
    }
}
