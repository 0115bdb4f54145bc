package org.bloodcells.uploader;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The progress of a run on stderr: files done of all, MB sent, MB/s over the run, time left at that rate, retries
 * and failures so far. On a terminal one bar redrawn in place four times a second; elsewhere (a log, CI) a line every
 * five seconds.
 */
public final class Progress implements AutoCloseable {

    private static final int BAR = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final int totalFiles;
    private final long totalBytes;
    private final long startNanos = System.nanoTime();
    private final AtomicInteger files = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final ScheduledExecutorService painter;

    public Progress(PrintWriter out, boolean terminal, boolean enabled, int totalFiles, long totalBytes) {
        this.out = out;
        this.terminal = terminal;
        this.totalFiles = totalFiles;
        this.totalBytes = totalBytes;
        if (enabled && totalFiles > 0) {
            painter = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "progress");
                t.setDaemon(true);
                return t;
            });
            long every = terminal ? 250 : 5000;
            painter.scheduleAtFixedRate(this::paint, every, every, TimeUnit.MILLISECONDS);
        } else {
            painter = null;
        }
    }

    public void done(long fileBytes, boolean ok) {
        files.incrementAndGet();
        bytes.addAndGet(fileBytes);
        if (!ok) {
            failed.incrementAndGet();
        }
    }

    public void retried() {
        retries.incrementAndGet();
    }

    public int retries() {
        return retries.get();
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The current line, e.g. {@code [#########---------------------]  300/1000 files  150.2/500.0 MB  12.5 MB/s  0:28 left}. */
    public String line() {
        int done = files.get();
        long sent = bytes.get();
        double seconds = Math.max(elapsed().toNanos() / 1e9, 1e-3);
        double rate = sent / seconds;
        double fraction = totalBytes > 0 ? (double) sent / totalBytes : (double) done / Math.max(totalFiles, 1);
        int filled = (int) Math.round(Math.min(1, fraction) * BAR);
        String left = rate > 0 && sent < totalBytes ? clock(Duration.ofSeconds((long) ((totalBytes - sent) / rate)))
                : "-:--";
        return String.format(Locale.ROOT, "[%s%s] %5d/%d files  %.1f/%.1f MB  %.1f MB/s  %s left  retries %d  failed %d",
                "#".repeat(filled), "-".repeat(BAR - filled), done, totalFiles, sent / 1e6, totalBytes / 1e6,
                rate / 1e6, left, retries.get(), failed.get());
    }

    static String clock(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private synchronized void paint() {
        if (terminal) {
            out.print("\r" + line());
        } else {
            out.println(line());
        }
        out.flush();
    }

    /** Prints a message above the bar (a retry, a refusal). */
    public synchronized void say(String message) {
        if (terminal && painter != null) {
            out.print("\r" + " ".repeat(line().length()) + "\r");
        }
        out.println(message);
        out.flush();
    }

    @Override
    public void close() {
        if (painter != null) {
            painter.shutdownNow();
            synchronized (this) {
                out.print(terminal ? "\r" + line() + System.lineSeparator() : line() + System.lineSeparator());
                out.flush();
            }
        }
    }
}
