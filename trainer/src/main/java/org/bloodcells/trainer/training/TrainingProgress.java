package org.bloodcells.trainer.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PyTorch trainer's epoch lines ({@code efficientdet.train}):
 * {@code epoch   3/100 step   120 cls 0.4123 box 0.0312 lr 1.98e-03 42s | val AP50 0.8123 AP 0.4521}.
 */
public final class TrainingProgress {

    private static final Pattern EPOCH = Pattern.compile(
            "epoch\\s+(\\d+)/(\\d+)\\s+step\\s+(\\d+)\\s+cls\\s+([0-9.eE+-]+|nan)\\s+box\\s+([0-9.eE+-]+|nan)"
                    + "\\s+lr\\s+([0-9.eE+-]+)(?:\\s+\\d+s)?(?:\\s*\\|\\s*val AP50\\s+([0-9.]+)\\s+AP\\s+([0-9.]+))?");

    private TrainingProgress() {
    }

    /** The figures of an epoch line; empty for any other line. */
    public static Optional<Map<String, Object>> parse(String line) {
        Matcher m = EPOCH.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("epoch", Integer.parseInt(m.group(1)));
        progress.put("epochs", Integer.parseInt(m.group(2)));
        progress.put("step", Integer.parseInt(m.group(3)));
        progress.put("clsLoss", number(m.group(4)));
        progress.put("boxLoss", number(m.group(5)));
        progress.put("lr", Double.parseDouble(m.group(6)));
        if (m.group(7) != null) {
            progress.put("valAp50", Double.parseDouble(m.group(7)));
            progress.put("valAp", Double.parseDouble(m.group(8)));
        }
        return Optional.of(progress);
    }

    private static Object number(String text) {
        return "nan".equals(text) ? "nan" : Double.parseDouble(text);
    }
}
