package org.bloodcells.ingest.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.bloodcells.ingest.service.ImageFile;
import org.bloodcells.ingest.service.ImageIngestion;
import org.bloodcells.ingest.service.ImageOrigin;
import org.bloodcells.ingest.service.IngestedImage;
import org.bloodcells.ingest.service.InvalidUpload;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Image upload for scanners. Both forms answer 201 when at least one image was new, 200 when
 * every image was already known, always with the image ids in the order the files were sent.
 */
@Path("/images")
@Produces(MediaType.APPLICATION_JSON)
public class ImageUploadResource {

    private final ImageIngestion ingestion;

    public ImageUploadResource(ImageIngestion ingestion) {
        this.ingestion = ingestion;
    }

    /**
     * One or more images as multipart parts named {@code file}, with form fields scannerId, slideId, batchId and,
     * optionally, micronsPerPixel (the images' physical scale).
     */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response uploadMultipart(@RestForm("file") List<FileUpload> files,
            @RestForm String scannerId, @RestForm String slideId, @RestForm String batchId,
            @RestForm String micronsPerPixel) {
        ImageOrigin origin = new ImageOrigin(scannerId, slideId, batchId);
        List<ImageFile> images = files.stream()
                .map(upload -> new ImageFile(upload.fileName(), read(upload)))
                .toList();
        return answer(ingestion.ingest(images, origin, scale(micronsPerPixel)));
    }

    /**
     * One image as the raw request body (any image/* type or application/octet-stream; the
     * format is detected from the bytes), with scannerId, slideId, batchId and optional
     * fileName and micronsPerPixel as query parameters.
     */
    @POST
    @Consumes({ "image/*", MediaType.APPLICATION_OCTET_STREAM })
    public Response uploadRaw(byte[] body, @RestQuery String scannerId, @RestQuery String slideId,
            @RestQuery String batchId, @RestQuery String fileName, @RestQuery String micronsPerPixel) {
        ImageOrigin origin = new ImageOrigin(scannerId, slideId, batchId);
        String name = fileName == null || fileName.isBlank() ? "body" : fileName;
        return answer(ingestion.ingest(List.of(new ImageFile(name, body == null ? new byte[0] : body)), origin,
                scale(micronsPerPixel)));
    }

    /** The declared scale, null when none is; text that is no number is a bad request. */
    private static Double scale(String micronsPerPixel) {
        if (micronsPerPixel == null || micronsPerPixel.isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(micronsPerPixel.trim());
        } catch (NumberFormatException e) {
            throw new InvalidUpload("micronsPerPixel must be a number (microns per image pixel), was '"
                    + micronsPerPixel + "'");
        }
    }

    private static Response answer(List<IngestedImage> images) {
        boolean anyCreated = images.stream().anyMatch(IngestedImage::created);
        return Response.status(anyCreated ? Response.Status.CREATED : Response.Status.OK)
                .entity(new UploadResponse(images))
                .build();
    }

    private static byte[] read(FileUpload upload) {
        try {
            return Files.readAllBytes(upload.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uploaded part " + upload.fileName(), e);
        }
    }
}
