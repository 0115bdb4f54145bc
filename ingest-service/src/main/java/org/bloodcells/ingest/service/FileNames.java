package org.bloodcells.ingest.service;

import org.bloodcells.events.FileNameRule;

/** The platform's rule for uploaded files' names ({@link FileNameRule}), as ingest's 400. */
public final class FileNames {

    private FileNames() {
    }

    /**
     * @return the name, when it is a plain file name
     * @throws InvalidUpload saying what is wrong with it
     */
    public static String check(String name) {
        FileNameRule.problem(name).ifPresent(problem -> {
            throw new InvalidUpload(problem);
        });
        return name;
    }

    /** The text made safe to put in an answer ({@link FileNameRule#printable}). */
    public static String printable(String text) {
        return FileNameRule.printable(text);
    }
}
