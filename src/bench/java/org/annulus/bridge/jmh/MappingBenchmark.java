package org.annulus.bridge.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.annulus.bridge.Fixtures;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.mapping.ClinicalMapper;
import org.hl7.fhir.r4.model.Bundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Mapping one read document to its FHIR transaction bundle ({@link ClinicalMapper#map}): pure, no I/O. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MappingBenchmark {

    @Param({"candidacy-assessment", "procedure-note", "recovery-milestone"})
    public String kind;

    @Param({"example", "golden"})
    public String source;

    private ClinicalMapper mapper;
    private ClinicalDocument[] documents;
    private int next;

    @Setup
    public void setUp() {
        mapper = new ClinicalMapper(Fixtures.recoveryProtocol());
        DocumentReader reader = new DocumentReader();
        List<String> inputs = Inputs.of(kind, source);
        documents = inputs.stream().map(reader::read).toArray(ClinicalDocument[]::new);
    }

    @Benchmark
    public Bundle map() {
        ClinicalDocument document = documents[next];
        next = (next + 1) % documents.length;
        return mapper.map(document);
    }
}
