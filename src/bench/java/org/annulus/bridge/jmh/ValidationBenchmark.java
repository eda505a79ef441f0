package org.annulus.bridge.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.annulus.bridge.Fixtures;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.mapping.ClinicalMapper;
import org.annulus.bridge.profiles.ProjectValidator;
import org.annulus.bridge.profiles.ResourceValidator;
import org.annulus.bridge.profiles.ValidationReport;
import org.hl7.fhir.r4.model.Bundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The validation gate on one mapped bundle ({@link ResourceValidator#validate(Bundle)}), and mapping plus
 * validation together (what a worker does per document before the send). Each call gets a bundle of its own
 * content from a pool of {@code distinct} documents (own documentIds), taken in turn: a validator that
 * caches by content hash is measured on documents it has not seen while its cache holds fewer entries than
 * the pool (or before the pool wraps round); by default it keeps none ({@code reports=none}).
 * {@code -p distinct=1 -p reports=kept} is one document resent over and over, as the bridge keeps reports.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ValidationBenchmark {

    @Param({"candidacy-assessment", "procedure-note", "recovery-milestone"})
    public String kind;

    @Param({"example", "golden"})
    public String source;

    @Param({"256"})
    public int distinct;

    /** none: no reports kept, every bundle validated in full; kept: the bridge's default cache by content hash. */
    @Param({"none"})
    public String reports;

    private ClinicalMapper mapper;
    private ResourceValidator validator;
    private ClinicalDocument[] documents;
    private Bundle[] bundles;
    private int next;

    @Setup
    public void setUp() {
        mapper = new ClinicalMapper(Fixtures.recoveryProtocol());
        validator = "kept".equals(reports) ? ProjectValidator.remembering() : ProjectValidator.fresh();
        DocumentReader reader = new DocumentReader();
        List<String> inputs = Inputs.of(kind, source);
        for (String input : inputs) {
            // Only the originals are validated here: the pool's copies stay unseen until measured.
            ValidationReport report = validator.validate(mapper.map(reader.read(input)));
            if (report.hasErrors()) {
                throw new IllegalStateException("a " + kind + " input fails validation: " + report.errors());
            }
        }
        documents = Inputs.distinct(inputs, distinct).stream()
                .map(reader::read)
                .toArray(ClinicalDocument[]::new);
        bundles = new Bundle[documents.length];
        for (int i = 0; i < documents.length; i++) {
            bundles[i] = mapper.map(documents[i]);
        }
    }

    @Benchmark
    public ValidationReport validate() {
        Bundle bundle = bundles[next];
        next = (next + 1) % bundles.length;
        return validator.validate(bundle);
    }

    @Benchmark
    public ValidationReport mapAndValidate() {
        ClinicalDocument document = documents[next];
        next = (next + 1) % documents.length;
        return validator.validate(mapper.map(document));
    }
}
