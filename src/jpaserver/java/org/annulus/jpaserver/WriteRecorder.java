package org.annulus.jpaserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends every write request the server receives (POST, PUT, PATCH, DELETE) to a file, one JSON line
 * each: method, path with query, the conditional headers, body, and what the server answered (status,
 * the locations it assigned). The benchmark replays the file to a fresh server to measure the ceiling:
 * exactly what the bridge sent, the assigned ids translated through the recorded locations.
 */
final class WriteRecorder implements Filter {

    static final List<String> HEADERS = List.of("Content-Type", "If-Match", "If-None-Exist", "If-None-Match", "Prefer");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;

    WriteRecorder(Path file) {
        try {
            this.out = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        if ("GET".equals(http.getMethod()) || "HEAD".equals(http.getMethod()) || "OPTIONS".equals(http.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = http.getInputStream().readAllBytes();
        Captured answer = new Captured((HttpServletResponse) response);
        chain.doFilter(new Replayable(http, body), answer);
        answer.flushBuffer();
        record(http, body, answer);
    }

    private void record(HttpServletRequest http, byte[] body, Captured answer) throws IOException {
        ObjectNode line = JSON.createObjectNode();
        line.put("method", http.getMethod());
        String path = http.getRequestURI().replaceFirst("^/fhir/?", "");
        line.put("path", http.getQueryString() == null ? path : path + "?" + http.getQueryString());
        ObjectNode headers = line.putObject("headers");
        for (String name : HEADERS) {
            if (http.getHeader(name) != null) {
                headers.put(name, http.getHeader(name));
            }
        }
        line.put("body", new String(body, StandardCharsets.UTF_8));
        line.put("status", answer.getStatus());
        line.set("locations", locations(answer));
        String text = JSON.writeValueAsString(line);
        synchronized (out) {
            out.write(text);
            out.newLine();
            out.flush();
        }
    }

    /** Where the answer says the writes went: each transaction entry's location, or the Location header. */
    private static ArrayNode locations(Captured answer) {
        ArrayNode locations = JSON.createArrayNode();
        try {
            byte[] raw = answer.bytes.toByteArray();
            if (raw.length > 2 && raw[0] == (byte) 0x1f && raw[1] == (byte) 0x8b) {
                // HAPI gzips the answer when the client accepts it (HAPI's own client does)
                raw = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes();
            }
            JsonNode body = JSON.readTree(raw);
            if (body != null && "Bundle".equals(body.path("resourceType").asText())) {
                for (JsonNode entry : body.path("entry")) {
                    locations.add(entry.at("/response/location").asText(""));
                }
                return locations;
            }
        } catch (IOException notJson) {
            // an empty or non-JSON answer: the header says it
        }
        String location = answer.getHeader("Location") != null ? answer.getHeader("Location") : answer.getHeader("Content-Location");
        if (location != null) {
            locations.add(location);
        }
        return locations;
    }

    /** The request with its body already read, readable once more by HAPI. */
    private static final class Replayable extends HttpServletRequestWrapper {
        private final byte[] body;

        Replayable(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }

    /** The response, passed through, with a copy of its body. */
    private static final class Captured extends HttpServletResponseWrapper {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private ServletOutputStream stream;
        private PrintWriter writer;

        Captured(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                ServletOutputStream target = super.getOutputStream();
                stream = new ServletOutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        bytes.write(b);
                        target.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        bytes.write(b, off, len);
                        target.write(b, off, len);
                    }

                    @Override
                    public boolean isReady() {
                        return target.isReady();
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        target.setWriteListener(listener);
                    }
                };
            }
            return stream;
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (writer == null) {
                writer = new PrintWriter(new java.io.OutputStreamWriter(getOutputStream(), StandardCharsets.UTF_8));
            }
            return writer;
        }

        @Override
        public void flushBuffer() throws IOException {
            if (writer != null) {
                writer.flush();
            }
            super.flushBuffer();
        }
    }
}
