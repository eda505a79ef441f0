package org.annulus.bridge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.annulus.bridge.TestPatients;
import org.annulus.bridge.TestPatients.TestPatient;

/**
 * The benchmark's fictional patients, made from the seed: names from short lists, MRNs numbered from a
 * prefix of their own, so that the warm-up's patients and the measured ones never meet. Each is seeded
 * into the EHR under a server id of its own ({@link #serverId}), the same in every server of the run, so
 * the ceiling's replay finds them where the bridge did.
 */
record Cohort(String prefix, List<TestPatient> patients) {

    private static final String[] FAMILY = {"Abara", "Berg", "Castell", "Dima", "Esposito", "Farouk", "Gallo",
        "Halvorsen", "Iwu", "Jansen", "Kowal", "Lund", "Moreau", "Nakamura", "Ortega", "Pereira", "Quist", "Rossi",
        "Sato", "Tamm", "Ueda", "Varga", "Wren", "Yilmaz", "Zeller"};
    private static final String[] FEMALE = {"Alma", "Bea", "Clara", "Dora", "Elin", "Freya", "Greta", "Hana"};
    private static final String[] MALE = {"Aron", "Bruno", "Cyril", "Dario", "Emil", "Felix", "Goran", "Hugo"};

    /** {@code count} patients, MRNs {@code <prefix>00001...} (prefix: one digit). */
    static Cohort of(String prefix, int count, long seed) {
        Random random = new Random(seed);
        List<TestPatient> patients = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            boolean female = random.nextBoolean();
            String given = female ? FEMALE[random.nextInt(FEMALE.length)] : MALE[random.nextInt(MALE.length)];
            String birthDate = String.format(
                    "%d-%02d-%02d", 1940 + random.nextInt(60), 1 + random.nextInt(12), 1 + random.nextInt(28));
            patients.add(new TestPatient(
                    String.format("%s%05d", prefix, i),
                    FAMILY[random.nextInt(FAMILY.length)],
                    List.of(given),
                    birthDate,
                    female ? "female" : "male"));
        }
        return new Cohort(prefix, List.copyOf(patients));
    }

    static String serverId(TestPatient patient) {
        return "bench-" + patient.mrn();
    }

    static String mrnSystem() {
        return TestPatients.MRN_SYSTEM;
    }
}
