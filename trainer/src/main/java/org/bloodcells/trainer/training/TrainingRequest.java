package org.bloodcells.trainer.training;

import java.util.ArrayList;
import java.util.List;

import org.bloodcells.events.ModelRef;

/**
 * What a training run is asked to do.
 *
 * @param dataset     a PASCAL VOC dataset's name under {@code bloodcells.training.datasets-dir}; trains on its
 *                    {@code train} split (val for the periodic checks), never on the held-back one. For a site
 *                    fine-tune, the name of a site's dataset in the images bucket ({@code datasets/<name>/})
 * @param site        a site fine-tune: the dataset is a site's corrections as results-service exports them, the
 *                    base the promoted version unless named, BCCD mixed in, the count thresholds recalibrated on
 *                    the site's val split, and the site gate ({@code SiteGate}) decides the promotion
 * @param mixShare    a site fine-tune's share of samples from BCCD (default {@code bloodcells.site.mix-share}); 0
 *                    trains on the site's images alone
 * @param baseVersion a registered version to fine-tune (its weights as the start), or null to train from scratch
 *                    (a site fine-tune: from the promoted version)
 * @param epochs      epochs, when no time budget is given
 * @param minutes     a time budget in minutes, the schedule paced to end with it (instead of epochs); a site
 *                    fine-tune's default is {@code bloodcells.site.training-minutes}
 * @param seed        the random seed
 * @param batchSize   images per step (default 16)
 * @param crop        training crop side in pixels (default 512)
 * @param imageLimit  only the first N images of each split (smoke runs)
 * @param maxSteps    stop after N optimiser steps (smoke runs)
 * @param valEvery    epochs between the checks on val, whose best checkpoint is kept beside the last (default 10); 0
 *                    checks nothing (the candidate is measured on the held-back split anyway)
 * @param version     the candidate's version; by default the base (or promoted) version with {@code -run<id>}
 * @param startedBy   who asked: the signed-in user
 */
public record TrainingRequest(String dataset, boolean site, Double mixShare, String baseVersion, Integer epochs,
        Double minutes, Integer seed, Integer batchSize, Integer crop, Integer imageLimit, Integer maxSteps,
        Integer valEvery, String version, String startedBy) {

    /** The same request, started by {@code who}. */
    public TrainingRequest startedBy(String who) {
        return new TrainingRequest(dataset, site, mixShare, baseVersion, epochs, minutes, seed, batchSize, crop,
                imageLimit, maxSteps, valEvery, version, who);
    }

    /** A site fine-tune's request with the settings' defaults filled in where it names none. */
    public TrainingRequest withSiteDefaults(double defaultMinutes, double defaultMixShare) {
        return new TrainingRequest(dataset, site, mixShare == null ? defaultMixShare : mixShare, baseVersion, epochs,
                epochs == null && minutes == null ? Double.valueOf(defaultMinutes) : minutes, seed, batchSize, crop, imageLimit,
                maxSteps, valEvery, version, startedBy);
    }

    /** What is wrong with the request, empty when nothing is. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (dataset == null || !dataset.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            problems.add("dataset must name a " + (site ? "site dataset of the images bucket" : "folder of the datasets "
                    + "directory") + " (letters, digits, '.', '_', '-')");
        }
        if (epochs != null && minutes != null || !site && epochs == null && minutes == null) {
            problems.add("give either epochs or minutes");
        }
        if (mixShare != null && !site) {
            problems.add("mixShare is for a site fine-tune (site: true)");
        }
        if (mixShare != null && !(mixShare >= 0 && mixShare < 1)) {
            problems.add("mixShare must be at least 0 and less than 1");
        }
        positive(problems, "epochs", epochs);
        positive(problems, "batchSize", batchSize);
        positive(problems, "crop", crop);
        positive(problems, "imageLimit", imageLimit);
        positive(problems, "maxSteps", maxSteps);
        if (valEvery != null && valEvery < 0) {
            problems.add("valEvery must be 0 (no checks) or more");
        }
        if (minutes != null && !(minutes > 0 && minutes <= 7 * 24 * 60)) {
            problems.add("minutes must be more than 0 and at most a week");
        }
        if (version != null) {
            ModelRef.nameOrVersionProblem("version", version).ifPresent(problems::add);
        }
        return problems;
    }

    private static void positive(List<String> problems, String name, Integer value) {
        if (value != null && value < 1) {
            problems.add(name + " must be at least 1");
        }
    }
}
