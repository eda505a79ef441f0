package org.annulus.bridge.profiles;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Validation reports by content: the SHA-256 of a resource's JSON names the report the gate gave it.
 * The report depends on nothing else (the profiles are fixed at start-up), so the same content is
 * never validated twice while its report is kept. Bounded (least recently used go first): memory
 * stays flat however many documents pass. Keys are hashes, never the content (no PHI kept here).
 */
final class CheckedContent {

    record Counts(long fromMemory, long validated) {}

    private final Cache<String, ValidationReport> reports;

    CheckedContent(int size) {
        this.reports = Caffeine.newBuilder().maximumSize(size).recordStats().build();
    }

    ValidationReport report(String json, Supplier<ValidationReport> validation) {
        return reports.get(sha256(json), hash -> validation.get());
    }

    Counts counts() {
        var stats = reports.stats();
        return new Counts(stats.hitCount(), stats.missCount());
    }

    private static String sha256(String json) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
