package org.bloodcells.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalDouble;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.junit.jupiter.api.Test;

class FileScaleTest {

    /** A small image written by Image I/O with this horizontal and vertical pixel size in millimetres. */
    private static byte[] withPixelSize(String format, double millimetres) throws IOException {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image),
                writer.getDefaultWriteParam());
        IIOMetadataNode dimension = new IIOMetadataNode("Dimension");
        for (String axis : new String[] {"HorizontalPixelSize", "VerticalPixelSize"}) {
            IIOMetadataNode size = new IIOMetadataNode(axis);
            size.setAttribute("value", Double.toString(millimetres));
            dimension.appendChild(size);
        }
        if (format.equals("png")) {
            // PNG's own pHYs chunk in pixels per metre: Image I/O's PNG writer rounds a small standard pixel size to 0
            IIOMetadataNode phys = new IIOMetadataNode("pHYs");
            phys.setAttribute("pixelsPerUnitXAxis", Long.toString(Math.round(1000 / millimetres)));
            phys.setAttribute("pixelsPerUnitYAxis", Long.toString(Math.round(1000 / millimetres)));
            phys.setAttribute("unitSpecifier", "meter");
            IIOMetadataNode png = new IIOMetadataNode("javax_imageio_png_1.0");
            png.appendChild(phys);
            metadata.mergeTree("javax_imageio_png_1.0", png);
        } else {
            IIOMetadataNode root = new IIOMetadataNode("javax_imageio_1.0");
            root.appendChild(dimension);
            metadata.mergeTree("javax_imageio_1.0", root);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(new IIOImage(image, null, metadata));
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    @Test
    void aTiffOrPngThatRecordsAMicroscopesResolutionTellsItsScale() throws IOException {
        for (String format : new String[] {"tiff", "png"}) {
            OptionalDouble scale = FileScale.micronsPerPixel(withPixelSize(format, 0.0002));   // 0.2 µm
            assertTrue(scale.isPresent(), format);
            assertEquals(0.2, scale.getAsDouble(), 0.002, format);
        }
    }

    @Test
    void aScreenResolutionSaysNothingAboutTheSlide() throws IOException {
        assertEquals(OptionalDouble.empty(), FileScale.micronsPerPixel(withPixelSize("png", 25.4 / 72)));   // 72 dpi
        assertEquals(OptionalDouble.empty(), FileScale.micronsPerPixel(BccdImages.bytes("BloodImage_00007")),
                "BCCD's JPEGs carry no resolution of the slide");
    }

    @Test
    void aJpegWithOnlyExifResolutionTellsItsScale() {
        // SOI, an APP1 Exif segment with a little-endian TIFF header and one IFD: XResolution 50 000 per centimetre
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 2 * 12 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        tiff.putShort((short) 2);
        tiff.putShort((short) 0x011A).putShort((short) 5).putInt(1).putInt(8 + 2 + 24 + 4);
        tiff.putShort((short) 0x0128).putShort((short) 3).putInt(1).putShort((short) 3).putShort((short) 0);
        tiff.putInt(0);
        tiff.putInt(50_000).putInt(1);
        byte[] exif = tiff.array();
        int length = 2 + 6 + exif.length;
        ByteBuffer jpeg = ByteBuffer.allocate(2 + 2 + length + 2);
        jpeg.put((byte) 0xFF).put((byte) 0xD8).put((byte) 0xFF).put((byte) 0xE1).putShort((short) length)
                .put("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(exif)
                .put((byte) 0xFF).put((byte) 0xD9);
        OptionalDouble scale = FileScale.micronsPerPixel(jpeg.array());
        assertTrue(scale.isPresent());
        assertEquals(0.2, scale.getAsDouble(), 1e-9);
    }
}
