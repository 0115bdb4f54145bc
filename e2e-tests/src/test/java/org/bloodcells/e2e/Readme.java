package org.bloodcells.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import org.bloodcells.launcher.RepositoryLayout;

/** README.md's sections, for the tests that hold its tables to the code. */
final class Readme {

    private Readme() {
    }

    /**
     * The section that starts with the given heading line (e.g. {@code "## Configuration"}), up to the next heading
     * of the same or a higher level outside a code block.
     */
    static String section(String heading) throws IOException {
        List<String> lines = Files.readString(RepositoryLayout.locate().root().resolve("README.md")).lines().toList();
        int start = lines.indexOf(heading);
        if (start < 0) {
            throw new IllegalStateException("README.md has no section '" + heading + "'");
        }
        int level = heading.indexOf(' ');
        StringBuilder section = new StringBuilder(heading).append('\n');
        boolean inCode = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("```")) {
                inCode = !inCode;
            } else if (!inCode && line.matches("#{1," + level + "} .*")) {
                break;
            }
            section.append(line).append('\n');
        }
        return section.toString();
    }
}
