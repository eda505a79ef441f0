package org.annulus.bridge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 written by hand onto a socket, because hostile requests are what well-behaved clients
 * refuse to send: a Content-Length far larger than the body, a chunked body that never ends.
 */
final class RawHttp {

    /** What goes on the wire: the body, and how its length is told. */
    record Request(String contentType, byte[] body, Framing framing, long declaredLength) {

        static Request json(byte[] body) {
            return new Request("application/json", body, Framing.CONTENT_LENGTH, body.length);
        }

        Request withContentType(String type) {
            return new Request(type, body, framing, declaredLength);
        }

        /** Chunked transfer encoding; the terminating chunk is sent. */
        Request chunked() {
            return new Request(contentType, body, Framing.CHUNKED, -1);
        }

        /** Chunked, and the body never ends: the server must answer from what it has read. */
        Request chunkedWithoutEnd() {
            return new Request(contentType, body, Framing.CHUNKED_UNTERMINATED, -1);
        }

        /** Claims {@code length} bytes and sends only {@code body}: the server must answer from the headers. */
        Request declaring(long length) {
            return new Request(contentType, body, Framing.CONTENT_LENGTH, length);
        }
    }

    enum Framing {
        CONTENT_LENGTH,
        CHUNKED,
        CHUNKED_UNTERMINATED
    }

    record Response(int status, String contentType, String body) {}

    private RawHttp() {}

    static Response post(int port, String path, List<String> extraHeaders, Request request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\nContent-Type: " + request.contentType() + "\r\n");
            extraHeaders.forEach(h -> head.append(h).append("\r\n"));
            head.append(
                    request.framing() == Framing.CONTENT_LENGTH
                            ? "Content-Length: " + request.declaredLength() + "\r\n"
                            : "Transfer-Encoding: chunked\r\n");
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            if (request.framing() == Framing.CONTENT_LENGTH) {
                out.write(request.body());
            } else {
                for (int at = 0; at < request.body().length; at += 8192) {
                    int n = Math.min(8192, request.body().length - at);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(request.body(), at, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                if (request.framing() == Framing.CHUNKED) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one response; stops after its body (the server may still be waiting for ours). */
    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        long length = -1;
        boolean chunked = false;
        String contentType = "";
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(header.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("content-type:")) {
                contentType = header.substring(13).trim();
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                    size > 0;
                    size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
        } else if (length >= 0) {
            body.write(in.readNBytes((int) length));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, contentType, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
