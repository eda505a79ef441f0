package org.annulus.bridge.profiles;

import org.annulus.bridge.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.mapping.ClinicalMapper;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Throughput of mapping plus the validation gate, warm, on 1..n threads: how many clinic documents per
 * second workers can map and validate, new (every resource validated) and resent (reports from memory). Not a test (surefire does not run it); run from the project
 * root with the test classpath, e.g.
 * {@code java -cp target/test-classes:target/classes:$(cat target/test.classpath) org.annulus.bridge.profiles.ValidationBenchmark 200 [threads]}
 * after {@code ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath} (README).
 */
public final class ValidationBenchmark {

    private ValidationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        DocumentReader reader = new DocumentReader();
        ClinicalMapper mapper = new ClinicalMapper(Fixtures.recoveryProtocol());
        List<ClinicalDocument> documents;
        try (Stream<Path> files = Files.list(Path.of("test-fixtures", "golden"))) {
            documents = files.filter(f -> f.getFileName().toString().endsWith(".input.json")).sorted()
                    .map(ValidationBenchmark::read)
                    // Array inputs are recovery-plan cases composed at send time, not one document at the gate.
                    .filter(json -> !json.strip().startsWith("["))
                    .map(reader::read).toList();
        }
        long startUp = System.nanoTime();
        // No reports kept: every document is validated in full, as a new document is.
        ResourceValidator fresh = new ResourceValidator(
                Validators.FHIR, new ProfileDirectory(Validators.FHIR, Path.of("fhir-profiles")), 0, false);
        long warmUp = fresh.warmUp();
        System.out.printf("validator built in %d ms, warmed up in %d ms%n",
                (System.nanoTime() - startUp) / 1_000_000 - warmUp, warmUp);
        measure("new documents", mapper, fresh, documents, rounds, threads);
        // Reports kept by content: what a resend (or an amendment's unchanged resources) costs.
        measure("resends", mapper, Validators.PROJECT, documents, rounds, threads);
    }

    private static void measure(String what, ClinicalMapper mapper, ResourceValidator validator,
            List<ClinicalDocument> documents, int rounds, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            timed(pool, threads, () -> run(mapper, validator, documents, Math.max(1, rounds / 4)));
            long start = System.nanoTime();
            int resources = timed(pool, threads, () -> run(mapper, validator, documents, rounds));
            double seconds = (System.nanoTime() - start) / 1e9;
            int count = rounds * documents.size() * threads;
            System.out.printf(Locale.ROOT,
                    "%s, %d thread(s): %d documents (%d resources) mapped and validated in %.2f s: %.1f docs/s,"
                            + " %.1f ms/doc per thread%n",
                    what, threads, count, resources, seconds, count / seconds, seconds * 1000 * threads / count);
        } finally {
            pool.shutdown();
        }
    }

    private static int timed(ExecutorService pool, int threads, Callable<Integer> work) throws Exception {
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(work));
        }
        int resources = 0;
        for (Future<Integer> f : done) {
            resources += f.get();
        }
        return resources;
    }

    private static int run(ClinicalMapper mapper, ResourceValidator validator, List<ClinicalDocument> documents,
            int rounds) {
        int resources = 0;
        for (int i = 0; i < rounds; i++) {
            for (ClinicalDocument document : documents) {
                Bundle bundle = mapper.map(document);
                if (validator.validate(bundle).hasErrors()) {
                    throw new IllegalStateException("a golden input fails validation; see GoldenBundlesValidateTest");
                }
                resources += bundle.getEntry().size();
            }
        }
        return resources;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
