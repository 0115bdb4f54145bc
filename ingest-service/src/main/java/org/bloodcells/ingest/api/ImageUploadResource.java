package org.bloodcells.ingest.api;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.bloodcells.http.Roles;
import org.bloodcells.ingest.service.FileNames;
import org.bloodcells.ingest.service.ImageIngestion;
import org.bloodcells.ingest.service.ImageOrigin;
import org.bloodcells.ingest.service.ImageRejected;
import org.bloodcells.ingest.service.IngestedImage;
import org.bloodcells.ingest.service.InvalidUpload;
import org.bloodcells.ingest.service.StagedFile;
import org.bloodcells.ingest.service.Staging;
import org.bloodcells.ingest.config.IngestConfig;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Image upload for scanners. Both forms answer 201 when at least one image was new, 200 when
 * every image was already known, always with the image ids in the order the files were sent.
 * Bodies are never held in memory: multipart parts are written to disk by the HTTP layer as they arrive (the request
 * size limit applies while reading), a raw body is streamed to disk here (the image size limit applies while
 * reading), and both are digested and inspected from disk.
 */
@Path("/images")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.SCANNER)
public class ImageUploadResource {

    private final ImageIngestion ingestion;
    private final Staging staging;
    private final IngestConfig config;
    private final ScannerAccess access;

    public ImageUploadResource(ImageIngestion ingestion, Staging staging, IngestConfig config, ScannerAccess access) {
        this.ingestion = ingestion;
        this.staging = staging;
        this.config = config;
        this.access = access;
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
        access.check(scannerId);
        ImageOrigin origin = new ImageOrigin(scannerId, slideId, batchId, access.who());
        Double scale = scale(micronsPerPixel);
        int most = config.upload().maxFiles();
        if (files.size() > most) {
            throw new InvalidUpload("%d files in one upload; at most %d: send the rest in another request"
                    .formatted(files.size(), most));
        }
        List<StagedFile> staged = new ArrayList<>(files.size());
        for (FileUpload upload : files) {
            try {
                staged.add(staging.adopt(FileNames.check(upload.fileName()), upload.uploadedFile()));
            } catch (ImageRejected tooLarge) {
                throw ingestion.rejected(tooLarge, files.size());
            }
        }
        // The parts' files belong to the HTTP layer, which deletes them when the request ends.
        return answer(ingestion.ingest(staged, origin, scale));
    }

    /**
     * One image as the raw request body (any image/* type or application/octet-stream; the
     * format is detected from the bytes), with scannerId, slideId, batchId and optional
     * fileName and micronsPerPixel as query parameters.
     */
    @POST
    @Consumes({ "image/*", MediaType.APPLICATION_OCTET_STREAM })
    public Response uploadRaw(InputStream body, @RestQuery String scannerId, @RestQuery String slideId,
            @RestQuery String batchId, @RestQuery String fileName, @RestQuery String micronsPerPixel) {
        access.check(scannerId);
        ImageOrigin origin = new ImageOrigin(scannerId, slideId, batchId, access.who());
        Double scale = scale(micronsPerPixel);
        String name = fileName == null || fileName.isEmpty() ? "body" : FileNames.check(fileName);
        StagedFile staged;
        try {
            staged = staging.stage(name, body == null ? InputStream.nullInputStream() : body);
        } catch (ImageRejected tooLarge) {
            throw ingestion.rejected(tooLarge, 1);
        }
        try {
            return answer(ingestion.ingest(List.of(staged), origin, scale));
        } finally {
            Staging.delete(staged.path());
        }
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
                    + FileNames.printable(micronsPerPixel) + "'");
        }
    }

    private static Response answer(List<IngestedImage> images) {
        boolean anyCreated = images.stream().anyMatch(IngestedImage::created);
        return Response.status(anyCreated ? Response.Status.CREATED : Response.Status.OK)
                .entity(new UploadResponse(images))
                .build();
    }
}
