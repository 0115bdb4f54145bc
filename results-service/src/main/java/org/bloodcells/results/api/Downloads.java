package org.bloodcells.results.api;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/** Every list is also CSV: asked for by {@code ?format=csv} or {@code Accept: text/csv}, and streamed. */
final class Downloads {

    static final String CSV = "text/csv";

    interface CsvWriter {
        void write(Writer out) throws IOException;
    }

    private Downloads() {
    }

    static boolean wantsCsv(String format, HttpHeaders headers) {
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

    static Response csv(String fileName, CsvWriter writer) {
        StreamingOutput body = out -> {
            Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            writer.write(text);
            text.flush();
        };
        return Response.ok(body, CSV + "; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + fileName + "\"").build();
    }
}
