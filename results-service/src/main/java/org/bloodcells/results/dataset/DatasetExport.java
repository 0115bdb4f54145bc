package org.bloodcells.results.dataset;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.bloodcells.images.DatasetSplit;
import org.bloodcells.images.VocAnnotation;
import org.bloodcells.results.audit.AuditAction;
import org.bloodcells.results.audit.AuditTrail;
import org.bloodcells.results.config.ReviewConfig;
import org.bloodcells.results.persistence.Image;
import org.bloodcells.results.query.Cursor;
import org.bloodcells.results.query.ImageFilter;
import org.bloodcells.results.query.ImageRow;
import org.bloodcells.results.query.ImageSearch;
import org.bloodcells.results.query.Page;
import org.bloodcells.results.review.CellReview;
import org.bloodcells.results.review.ReviewedImage;
import org.bloodcells.results.service.CellClass;
import org.bloodcells.results.service.ImageStatus;
import org.bloodcells.storage.StorageConfig;
import org.bloodcells.storage.StorageUnavailableException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.GetObjectArgs;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.MinioClient;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The images analysts confirmed or edited, under any filter of the image list, written as a PASCAL VOC training
 * dataset under {@code datasets/<name>/} of the images bucket, for the trainer to read: {@code Annotations/},
 * {@code JPEGImages/} (the stored bytes, copied by the store itself), {@code ImageSets/Main/train|val|test.txt}
 * split by image id ({@link DatasetSplit}, so the test part stays the test part in every later export), and last
 * {@code dataset.json}, whose presence means the dataset is complete.
 */
@ApplicationScoped
public class DatasetExport {

    private static final Logger LOG = Logger.getLogger(DatasetExport.class);

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    /** Of every image: this share validates, this share is held back for testing, never trained or tuned on. */
    public static final int VAL_PERCENT = 15;
    public static final int TEST_PERCENT = 15;
    static final String PREFIX = "datasets/";
    /** Images read per page of the image list. */
    private static final int PAGE = 500;

    private final ImageSearch search;
    private final MinioClient storage;
    private final String bucket;
    private final ReviewConfig config;
    private final AuditTrail audit;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();

    @Inject
    public DatasetExport(ImageSearch search, MinioClient storage, StorageConfig storageConfig, ReviewConfig config,
            AuditTrail audit, ObjectMapper json) {
        this.search = search;
        this.storage = storage;
        this.bucket = storageConfig.bucket();
        this.config = config;
        this.audit = audit;
        this.json = json;
    }

    /** One image of the dataset, as read from the database. */
    private record Entry(String imageId, String sourceBucket, String sourceKey, String extension, String xml,
            DatasetSplit split) {
    }

    /** Writes the dataset; its manifest. */
    public DatasetManifest write(DatasetRequest request, ImageFilter filter, Map<String, Object> filterGiven,
            String user) {
        String name = request == null ? null : request.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new DatasetRefusedException(400, "name must match " + NAME.pattern() + " (letters, digits, _ . -;"
                    + " up to 64), was " + name);
        }
        String root = PREFIX + name + "/";
        if (exists(root + "dataset.json")) {
            throw new DatasetRefusedException(409, "dataset " + name + " exists (s3://" + bucket + "/" + root
                    + "dataset.json); choose another name");
        }
        List<String> matching = matching(filter);
        if (matching.isEmpty()) {
            throw new DatasetRefusedException(422, "no DONE images match the filter " + filterGiven);
        }
        List<Entry> entries = QuarkusTransaction.requiringNew().call(() -> reviewed(matching));
        if (entries.isEmpty()) {
            throw new DatasetRefusedException(422, "no confirmed images: none of the " + matching.size()
                    + " images matching " + filterGiven + " has boxes an analyst confirmed or edited");
        }
        if (entries.size() < config.datasetMinImages()) {
            throw new DatasetRefusedException(422, "too few images: " + entries.size() + " of the " + matching.size()
                    + " images matching " + filterGiven + " have confirmed or edited boxes; a dataset needs at least "
                    + config.datasetMinImages() + " (bloodcells.review.dataset-min-images)");
        }

        String createdBy = AuditTrail.actor(user);
        Instant createdAt = clock.instant();
        Map<DatasetSplit, List<String>> splits = new EnumMap<>(DatasetSplit.class);
        for (DatasetSplit split : DatasetSplit.values()) {
            splits.put(split, new ArrayList<>());
        }
        TreeMap<String, String> annotations = new TreeMap<>();
        for (Entry entry : entries) {
            splits.get(entry.split()).add(entry.imageId());
            annotations.put(entry.imageId(), entry.xml());
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (DatasetSplit split : DatasetSplit.values()) {
            counts.put(split.fileName(), splits.get(split).size());
        }
        DatasetManifest manifest = new DatasetManifest(name, entries.size(), counts,
                DatasetManifest.fingerprint(annotations), java.util.Arrays.stream(CellClass.values())
                        .map(CellClass::label).toList(),
                filterGiven, createdBy, createdAt);
        // Recorded before anything is written: an export that fails half-way was still an export of patient data.
        QuarkusTransaction.requiringNew().run(() -> audit.record("export:" + name + ":" + createdAt, createdAt,
                createdBy, AuditAction.EXPORT, "dataset " + name, entries.size() + " images " + counts
                        + " to s3://" + bucket + "/" + root + ", filter " + filterGiven + ", fingerprint "
                        + manifest.fingerprint()));

        for (Entry entry : entries) {
            String file = entry.imageId() + "." + entry.extension();
            copy(entry.sourceBucket(), entry.sourceKey(), root + "JPEGImages/" + file);
            put(root + "Annotations/" + entry.imageId() + ".xml", entry.xml(), "application/xml");
        }
        for (DatasetSplit split : DatasetSplit.values()) {
            List<String> ids = splits.get(split);
            put(root + "ImageSets/Main/" + split.fileName() + ".txt",
                    ids.stream().sorted().map(id -> id + "\n").reduce("", String::concat), "text/plain");
        }
        try {
            put(root + "dataset.json", json.writerWithDefaultPrettyPrinter().writeValueAsString(manifest),
                    "application/json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the manifest does not serialise", e);
        }
        LOG.infof("Dataset %s: %d images %s written to s3://%s/%s by %s", name, entries.size(), counts, bucket, root,
                createdBy);
        return manifest;
    }

    /** The manifest of a complete dataset; empty when there is none of that name. */
    public Optional<DatasetManifest> manifest(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        String key = PREFIX + name + "/dataset.json";
        try (InputStream in = storage.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return Optional.of(json.readValue(in, DatasetManifest.class));
        } catch (ErrorResponseException e) {
            if (missing(e)) {
                return Optional.empty();
            }
            throw unavailable(key, e);
        } catch (IOException | io.minio.errors.MinioException | GeneralSecurityException e) {
            throw unavailable(key, e);
        }
    }

    /** The ids of the DONE images the filter matches, newest upload first. */
    private List<String> matching(ImageFilter asked) {
        if (asked.status() != null && asked.status() != ImageStatus.DONE) {
            return List.of();
        }
        ImageFilter filter = new ImageFilter(asked.scanner(), asked.slide(), asked.batch(), ImageStatus.DONE,
                asked.model(), asked.version(), asked.uploadedFrom(), asked.uploadedTo(), asked.detectedFrom(),
                asked.detectedTo(), asked.counts(), asked.review(), asked.flagged());
        ImageSearch.Order order = new ImageSearch.Order(ImageSearch.SortKey.parse(null), true);
        List<String> ids = new ArrayList<>();
        Cursor cursor = null;
        do {
            Page<ImageRow> page = search.list(filter, order, PAGE, cursor);
            page.items().forEach(row -> ids.add(row.imageId()));
            cursor = page.next() == null ? null : Cursor.decode(page.next());
        } while (cursor != null);
        return ids;
    }

    /** The images whose current run's boxes an analyst confirmed or edited, with their annotations. */
    private static List<Entry> reviewed(List<String> ids) {
        List<Entry> entries = new ArrayList<>();
        for (String id : ids) {
            Image image = Image.findById(id);
            if (image == null || image.currentRun == null || image.bucket == null || image.objectKey == null) {
                continue;
            }
            ReviewedImage reviewed = CellReview.reviewed(image);
            if (!reviewed.reviewed()) {
                continue;
            }
            String extension = Annotations.extension(image.contentType, image.objectKey);
            VocAnnotation annotation = Annotations.of(id, extension, reviewed.imageWidth(), reviewed.imageHeight(),
                    image.currentRun.micronsPerPixel, image.currentRun.scaleSource, reviewed.cells());
            entries.add(new Entry(id, image.bucket, image.objectKey, extension, annotation.toXml(),
                    DatasetSplit.of(id, VAL_PERCENT, TEST_PERCENT)));
        }
        return entries;
    }

    private boolean exists(String key) {
        try {
            storage.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            if (missing(e)) {
                return false;
            }
            throw unavailable(key, e);
        } catch (IOException | io.minio.errors.MinioException | GeneralSecurityException e) {
            throw unavailable(key, e);
        }
    }

    private void copy(String sourceBucket, String sourceKey, String key) {
        try {
            storage.copyObject(CopyObjectArgs.builder().bucket(bucket).object(key)
                    .source(CopySource.builder().bucket(sourceBucket).object(sourceKey).build()).build());
        } catch (IOException | io.minio.errors.MinioException | GeneralSecurityException e) {
            throw unavailable(key, e);
        }
    }

    private void put(String key, String text, String contentType) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            storage.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType(contentType).build());
        } catch (IOException | io.minio.errors.MinioException | GeneralSecurityException e) {
            throw unavailable(key, e);
        }
    }

    private static boolean missing(ErrorResponseException e) {
        String code = e.errorResponse() == null ? null : e.errorResponse().code();
        return "NoSuchKey".equals(code) || "NoSuchBucket".equals(code) || "NoSuchObject".equals(code);
    }

    private StorageUnavailableException unavailable(String key, Exception e) {
        return new StorageUnavailableException("s3://" + bucket + "/" + key + " could not be read or written: "
                + e.getMessage(), e);
    }
}
