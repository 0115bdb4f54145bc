package org.bloodcells.trainer.site;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.storage.StorageConfig;
import org.bloodcells.storage.StorageUnavailableException;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;

/**
 * Site datasets in the images bucket ({@code bloodcells.storage.bucket}), where results-service exports a site's
 * corrections under {@code datasets/<name>/}: downloaded whole into a run's folder, then checked ({@link SiteDataset}).
 */
@ApplicationScoped
public class SiteDatasets {

    /** Where the exports live in the images bucket. */
    public static final String PREFIX = "datasets/";

    private final MinioClient s3;
    private final String bucket;

    public SiteDatasets(MinioClient s3, StorageConfig storage) {
        this.s3 = s3;
        this.bucket = storage.bucket();
    }

    /**
     * Downloads {@code datasets/<name>/} into {@code into} and checks it.
     *
     * @throws SiteDatasetException        for no such dataset, an incomplete or altered one, or one the model cannot
     *                                     learn from
     * @throws StorageUnavailableException when the store does not answer
     */
    public SiteDataset download(String name, Path into, List<String> modelClasses, int minTrainImages) {
        String prefix = PREFIX + name + "/";
        int files = 0;
        try {
            for (Result<Item> listed : s3.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                    .recursive(true).build())) {
                Item item = listed.get();
                if (item.isDir()) {
                    continue;
                }
                Path target = into.resolve(item.objectName().substring(prefix.length())).normalize();
                if (!target.startsWith(into)) {
                    throw new SiteDatasetException("site dataset '" + name + "' holds an object outside its folder: "
                            + item.objectName());
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(item.objectName())
                        .build())) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                files++;
            }
        } catch (SiteDatasetException e) {
            throw e;
        } catch (ErrorResponseException e) {
            if ("NoSuchBucket".equals(e.errorResponse().code())) {
                throw new SiteDatasetException("no site dataset '" + name + "': bucket " + bucket + " does not exist");
            }
            throw new StorageUnavailableException("object storage refused site dataset '" + name + "': "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new StorageUnavailableException("cannot download site dataset '" + name + "' from bucket " + bucket
                    + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new StorageUnavailableException("object storage did not answer for site dataset '" + name + "': "
                    + e.getMessage(), e);
        }
        if (files == 0) {
            throw new SiteDatasetException("no site dataset '" + name + "' in bucket " + bucket + " (nothing under "
                    + prefix + ")");
        }
        return SiteDataset.check(into, name, modelClasses, minTrainImages);
    }
}
