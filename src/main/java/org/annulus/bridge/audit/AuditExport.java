package org.annulus.bridge.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.nimbusds.jose.JWSObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes the audit log's records (AuditEvents, and whatever FHIR content the log holds) as NDJSON or as
 * a FHIR Bundle of type {@code collection}, record by record from a database cursor: an export is
 * never held in memory. Each resource is written byte for byte as stored, so its SHA-256 is the
 * record's {@code contentSha256}. The last resource is a {@code Parameters} ({@code id} {@code audit-chain})
 * with the signed checkpoint (JWS, the module's key from {@code /.well-known/jwks.json}) and the hash chain
 * from the first exported record up to that checkpoint: every record's {@code seq}, {@code previousSha256}
 * and {@code recordSha256}, and for the exported ones also the fields the record hash is computed over
 * ({@code AuditLog#recordHash}). Records of other patients appear there as hashes only.
 */
@Component
public class AuditExport {

    /** How many rows the driver fetches at a time (PostgreSQL streams only inside a transaction). */
    static final int FETCH = 200;

    public enum Format {
        NDJSON,
        BUNDLE
    }

    /**
     * Which records: of a document's versions ({@code documentTrackingIds}; null: any document), of a patient
     * (its documents' tracking ids or its EHR Patient references; both null: any patient), recorded in
     * [from, to) (null: open).
     */
    public record Selection(
            Set<String> documentTrackingIds,
            Set<String> patientTrackingIds,
            Set<String> patients,
            Instant from,
            Instant to)
            implements Predicate<AuditRecord> {

        @Override
        public boolean test(AuditRecord r) {
            boolean document = documentTrackingIds == null || documentTrackingIds.contains(r.trackingId());
            boolean patient = patients == null
                    || (r.trackingId() != null && patientTrackingIds.contains(r.trackingId()))
                    || (r.patient() != null && patients.contains(r.patient()));
            return document
                    && patient
                    && (from == null || !r.recordedAt().isBefore(from))
                    && (to == null || r.recordedAt().isBefore(to));
        }
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate readOnly;
    private final AuditLog log;
    private final JsonFactory json = new JsonFactory();

    AuditExport(DataSource dataSource, PlatformTransactionManager transactions, AuditLog log) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.jdbc.setFetchSize(FETCH);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.log = log;
    }

    /**
     * Signs a checkpoint at the current end of the chain (so everything up to now is covered by a
     * signature) and returns the latest one: the export goes up to it.
     */
    public Optional<Checkpoint> checkpointNow() {
        log.checkpoint();
        return log.latestCheckpoint().map(jws -> {
            try {
                Object seq = JWSObject.parse(jws).getPayload().toJSONObject().get("seq");
                return new Checkpoint(((Number) seq).longValue(), jws);
            } catch (ParseException e) {
                throw new IllegalStateException("stored checkpoint is not a JWS", e);
            }
        });
    }

    /** A signed checkpoint: the chain up to {@code seq} as signed in {@code jws}. */
    public record Checkpoint(long seq, String jws) {}

    public void write(Format format, Selection selection, Optional<Checkpoint> checkpoint, OutputStream out)
            throws IOException {
        long upTo = checkpoint.map(Checkpoint::seq).orElse(0L);
        if (format == Format.NDJSON) {
            long first = records(selection, upTo, r -> line(out, r.content()));
            JsonGenerator chain = json.createGenerator(new NonClosing(out), JsonEncoding.UTF8);
            chain(chain, selection, first, checkpoint);
            chain.flush();
            out.write('\n');
        } else {
            JsonGenerator g = json.createGenerator(new NonClosing(out), JsonEncoding.UTF8);
            g.writeStartObject();
            g.writeStringField("resourceType", "Bundle");
            g.writeStringField("id", UUID.randomUUID().toString());
            g.writeStringField("type", "collection");
            g.writeStringField(
                    "timestamp",
                    // FHIR instants need the seconds, which toString() drops at :00
                    java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                            OffsetDateTime.now(ZoneOffset.UTC).withNano(0)));
            g.writeArrayFieldStart("entry");
            long first = records(selection, upTo, r -> entry(g, "urn:uuid:" + uuid(r.recordSha256()), r.content()));
            g.writeStartObject();
            g.writeStringField("fullUrl", "urn:uuid:" + UUID.randomUUID());
            g.writeFieldName("resource");
            chain(g, selection, first, checkpoint);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
        }
        out.flush();
    }

    /** Streams the selected records up to {@code upTo}; returns the first one's seq (0: none). */
    private long records(Selection selection, long upTo, java.util.function.Consumer<AuditRecord> each) {
        long[] first = {0};
        readOnly.executeWithoutResult(status -> jdbc.query(
                "select * from audit_record where seq <= ? order by seq",
                rs -> {
                    AuditRecord r = AuditLog.record(rs, 0);
                    if (selection.test(r)) {
                        if (first[0] == 0) {
                            first[0] = r.seq();
                        }
                        each.accept(r);
                    }
                },
                upTo));
        return first[0];
    }

    private void chain(JsonGenerator g, Selection selection, long first, Optional<Checkpoint> checkpoint)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("resourceType", "Parameters");
        g.writeStringField("id", "audit-chain");
        g.writeArrayFieldStart("parameter");
        if (checkpoint.isPresent()) {
            parameter(g, "checkpoint", "valueString", checkpoint.get().jws());
            g.writeStartObject();
            g.writeStringField("name", "checkpointSeq");
            g.writeNumberField("valueInteger", checkpoint.get().seq());
            g.writeEndObject();
            parameter(g, "jwks", "valueUri", "/.well-known/jwks.json");
        }
        if (first > 0) {
            // hash columns only (and the hashed fields of the selected records): small rows, streamed too
            readOnly.executeWithoutResult(status -> jdbc.query(
                    """
                    select seq, recorded_at, kind, patient, tracking_id, content_sha256, previous_sha256, record_sha256
                    from audit_record where seq between ? and ? order by seq""",
                    rs -> {
                        AuditRecord r = new AuditRecord(
                                rs.getLong(1),
                                rs.getObject(2, OffsetDateTime.class).toInstant(),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                null,
                                rs.getString(6),
                                rs.getString(7),
                                rs.getString(8));
                        try {
                            link(g, r, selection.test(r));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    },
                    first,
                    checkpoint.orElseThrow().seq()));
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void link(JsonGenerator g, AuditRecord r, boolean exported) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", "record");
        g.writeArrayFieldStart("part");
        g.writeStartObject();
        g.writeStringField("name", "seq");
        g.writeNumberField("valueInteger", r.seq());
        g.writeEndObject();
        if (exported) {
            parameter(g, "recordedAt", "valueInstant", r.recordedAt().toString());
            parameter(g, "kind", "valueString", r.kind());
            if (r.patient() != null) {
                parameter(g, "patient", "valueString", r.patient());
            }
            if (r.trackingId() != null) {
                parameter(g, "trackingId", "valueString", r.trackingId());
            }
            parameter(g, "contentSha256", "valueString", r.contentSha256());
        }
        parameter(g, "previousSha256", "valueString", r.previousSha256());
        parameter(g, "recordSha256", "valueString", r.recordSha256());
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void parameter(JsonGenerator g, String name, String type, String value) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField(type, value);
        g.writeEndObject();
    }

    private static void line(OutputStream out, String content) {
        try {
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void entry(JsonGenerator g, String fullUrl, String content) {
        try {
            g.writeStartObject();
            g.writeStringField("fullUrl", fullUrl);
            g.writeFieldName("resource");
            g.writeRawValue(content); // verbatim: its SHA-256 is the record's contentSha256
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static UUID uuid(String sha256) {
        return UUID.nameUUIDFromBytes(sha256.getBytes(StandardCharsets.US_ASCII));
    }

    /** The generators must not close the response stream; the servlet container does. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
