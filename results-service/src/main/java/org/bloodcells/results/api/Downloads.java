package org.bloodcells.results.api;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.bloodcells.http.Problem;
import org.bloodcells.results.audit.PatientDataReads;

/** Every list is also CSV: asked for by {@code ?format=csv} or {@code Accept: text/csv}, and streamed. */
final class Downloads {

    static final String CSV = "text/csv";

    /**
     * CSV downloads streamed at once. Each holds a database connection (its cursor) until the client has read the
     * last row; more are refused with 503 and Retry-After, so that slow clients cannot take the pool the event
     * consumers need.
     */
    static final int MOST_DOWNLOADS_AT_ONCE = 4;

    private static final Semaphore STREAMING = new Semaphore(MOST_DOWNLOADS_AT_ONCE);

    interface CsvWriter {
        void write(Writer out) throws IOException;
    }

    private Downloads() {
    }

    /**
     * The list as CSV (streamed, all of it) when the client asks for CSV, else the page as JSON; the page is only
     * read when it is answered, and audited before (a CSV as an export of {@code subject}, a page as its listing).
     */
    static Response listOrCsv(PatientDataReads reads, String subject, String format, HttpHeaders headers,
            String fileName, CsvWriter csv, Supplier<Object> page) {
        if (wantsCsv(format, headers)) {
            return csv(fileName, csv, () -> reads.exported(subject));
        }
        reads.listed(subject);
        return Response.ok(page.get(), MediaType.APPLICATION_JSON).build();
    }

    private static boolean wantsCsv(String format, HttpHeaders headers) {
        if (format != null && !format.isBlank()) {
            if (format.equalsIgnoreCase("csv")) {
                return true;
            }
            if (format.equalsIgnoreCase("json")) {
                return false;
            }
            throw new org.bloodcells.results.query.InvalidQueryException("format must be json or csv, was " + format);
        }
        List<MediaType> accepted = headers.getAcceptableMediaTypes();
        return !accepted.isEmpty() && accepted.get(0).isCompatible(MediaType.valueOf(CSV))
                && !accepted.get(0).isWildcardType();
    }

    private static Response csv(String fileName, CsvWriter writer, Runnable audit) {
        if (!STREAMING.tryAcquire()) {
            return Problem.unavailable("Too many downloads", MOST_DOWNLOADS_AT_ONCE
                    + " CSV downloads are being streamed; retry");
        }
        try {
            audit.run();
        } catch (RuntimeException e) {
            STREAMING.release();
            throw e;
        }
        StreamingOutput body = out -> {
            try {
                Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
                writer.write(text);
                text.flush();
            } finally {
                STREAMING.release();
            }
        };
        return Response.ok(body, CSV + "; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + fileName + "\"").build();
    }
}
