package org.annulus.bridge.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import java.text.ParseException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.annulus.bridge.smart.SmartAuthorization;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Signed checkpoints of the chain: a JWS with the module's key over the sequence number and record hash. */
@Component
class Checkpoints {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcClient jdbc;
    private final SmartAuthorization keys;

    Checkpoints(JdbcClient jdbc, SmartAuthorization keys) {
        this.jdbc = jdbc;
        this.keys = keys;
    }

    /** Signs and stores a checkpoint (inside the caller's transaction, which holds the chain lock). */
    void sign(long seq, String recordSha256, Instant at) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("purpose", "annulus-bridge audit checkpoint");
        payload.put("seq", seq);
        payload.put("sha256", recordSha256);
        payload.put("at", at.toString());
        String jws;
        try {
            jws = keys.sign(JSON.writeValueAsString(payload));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        jdbc.sql("insert into audit_checkpoint (seq, record_sha256, signed_at, jws) values (?, ?, ?, ?)")
                .params(seq, recordSha256, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), jws)
                .update();
    }

    boolean exists(long seq) {
        return jdbc.sql("select count(*) from audit_checkpoint where seq = ?")
                        .param(seq)
                        .query(Long.class)
                        .single()
                > 0;
    }

    Optional<String> latest() {
        return jdbc.sql("select jws from audit_checkpoint order by seq desc fetch first 1 rows only")
                .query(String.class)
                .optional();
    }

    /** A stored checkpoint. */
    record Stored(long seq, String recordSha256, String jws) {}

    Map<Long, Stored> from(long seq) {
        Map<Long, Stored> all = new LinkedHashMap<>();
        jdbc.sql("select seq, record_sha256, jws from audit_checkpoint where seq >= ? order by seq")
                .param(seq)
                .query((rs, n) -> new Stored(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .list()
                .forEach(c -> all.put(c.seq(), c));
        return all;
    }

    /** What is wrong with a checkpoint's signature or payload; empty when it verifies, "unknown key" when unverifiable. */
    Optional<String> problem(Stored checkpoint) {
        try {
            JWSObject jws = JWSObject.parse(checkpoint.jws());
            JWK key = keys.publishedKeys().getKeyByKeyId(jws.getHeader().getKeyID());
            if (key == null) {
                return Optional.of(UNKNOWN_KEY);
            }
            if (!jws.verify(new DefaultJWSVerifierFactory()
                    .createJWSVerifier(jws.getHeader(), ((AsymmetricJWK) key).toPublicKey()))) {
                return Optional.of("signature does not verify");
            }
            JsonNode payload = JSON.readTree(jws.getPayload().toString());
            if (payload.path("seq").asLong() != checkpoint.seq()
                    || !checkpoint.recordSha256().equals(payload.path("sha256").asText())) {
                return Optional.of("signed payload differs from the stored checkpoint");
            }
            return Optional.empty();
        } catch (ParseException | JOSEException | java.io.IOException e) {
            return Optional.of("not a valid JWS");
        }
    }

    static final String UNKNOWN_KEY = "signed by a key not in the published JWKS";
}
