package org.bloodcells.ingest.badinput;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

import org.bloodcells.images.PngChunks;
import org.bloodcells.ingest.support.TestImages;

/**
 * Files an upload must refuse, made in memory: each with the status and reason the service must answer with. Both
 * upload paths (HTTP and bucket) are run over the same files.
 */
final class BadFiles {

    /** One bad file: what it is, its name and bytes, and the expected status and reason. */
    record BadFile(String what, String fileName, byte[] bytes, int status, String reason) {
        @Override
        public String toString() {
            return what;
        }
    }

    private BadFiles() {
    }

    static List<BadFile> all() {
        byte[] jpeg = TestImages.uniqueVariant(TestImages.IMAGE_7);
        byte[] png = encode("png", 64, 48);
        return List.of(
                new BadFile("an empty file", "empty.jpg", new byte[0], 415, "NOT_AN_IMAGE"),
                new BadFile("text named .jpg", "notes.jpg", "scanner log".getBytes(StandardCharsets.UTF_8), 415,
                        "NOT_AN_IMAGE"),
                new BadFile("a PDF", "report.jpg", "%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF".getBytes(
                        StandardCharsets.US_ASCII), 415, "NOT_AN_IMAGE"),
                new BadFile("a GIF (not accepted)", "cells.gif", encode("gif", 32, 32), 415, "UNSUPPORTED_FORMAT"),
                new BadFile("a JPEG cut in half", "half.jpg", Arrays.copyOf(jpeg, jpeg.length / 2), 422, "CORRUPT"),
                new BadFile("a JPEG of its first 3 bytes", "start.jpg", Arrays.copyOf(jpeg, 3), 422, "CORRUPT"),
                new BadFile("a PNG cut short", "cut.png", Arrays.copyOf(png, png.length - 20), 422, "CORRUPT"),
                new BadFile("a JPEG claiming 60000x60000 pixels", "huge.jpg", jpegClaiming(jpeg, 60_000, 60_000), 422,
                        "TOO_MANY_PIXELS"),
                new BadFile("a PNG bomb: 50000x50000 zeros in a few kB", "bomb.png", pngBomb(50_000, 50_000), 422,
                        "TOO_MANY_PIXELS"),
                new BadFile("a PNG 10001 pixels wide", "wide.png", encode("png", 10_001, 1), 422, "TOO_MANY_PIXELS"),
                new BadFile("a BMP claiming 50000x50000 pixels (its reader refuses the header)", "huge.bmp",
                        bmpClaiming(50_000, 50_000), 422, "CORRUPT"),
                new BadFile("a JPEG+ZIP polyglot", "polyglot.jpg", concat(jpeg, zip()), 422, "CORRUPT"),
                new BadFile("a PNG+HTML polyglot", "polyglot.png", concat(png,
                        "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8)), 422, "CORRUPT"),
                new BadFile("a file over the size limit (1 MiB in tests)", "big.jpg", concat(jpeg,
                        new byte[1024 * 1024]), 413, "TOO_LARGE"));
    }

    static byte[] encode(String format, int width, int height) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR), format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JPEG with its frame header (SOF0) saying another size. */
    static byte[] jpegClaiming(byte[] jpeg, int width, int height) {
        byte[] patched = jpeg.clone();
        for (int i = 2; i + 9 < patched.length; i++) {
            if ((patched[i] & 0xFF) == 0xFF && ((patched[i + 1] & 0xFF) == 0xC0 || (patched[i + 1] & 0xFF) == 0xC2)) {
                patched[i + 5] = (byte) (height >> 8);
                patched[i + 6] = (byte) height;
                patched[i + 7] = (byte) (width >> 8);
                patched[i + 8] = (byte) width;
                return patched;
            }
        }
        throw new IllegalStateException("no frame header");
    }

    /** A grey PNG whose header says width x height, with 4 MB of compressed zero rows behind it (a few kB). */
    static byte[] pngBomb(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        Deflater deflater = new Deflater(9);
        deflater.setInput(new byte[4 * 1024 * 1024]);
        deflater.finish();
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            idat.write(buffer, 0, deflater.deflate(buffer));
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' });
        PngChunks.write(png, "IHDR", ihdr.array());
        PngChunks.write(png, "IDAT", idat.toByteArray());
        PngChunks.write(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    /** A small BMP whose header says width x height. */
    static byte[] bmpClaiming(int width, int height) {
        byte[] bmp = encode("bmp", 4, 4);
        ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(18, width).putInt(22, height);
        return bmp;
    }

    static byte[] zip() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry("payload.sh"));
                zip.write("#!/bin/sh\necho hidden\n".getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
