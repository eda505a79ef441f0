package org.annulus.bridge.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;

/**
 * The golden case {@code recovery-plan-three-milestones}: a procedure note, its baseline assessment
 * and three v1 follow-ups (which state no side for the leg pain).
 */
record ThreeMilestones(ProcedureNote note, CandidacyAssessment baseline, List<RecoveryMilestone> milestones) {

    static ThreeMilestones read() throws IOException {
        DocumentReader reader = new DocumentReader();
        JsonNode docs = new ObjectMapper()
                .readTree(Path.of("test-fixtures/golden/recovery-plan-three-milestones.input.json")
                        .toFile());
        List<RecoveryMilestone> milestones = new ArrayList<>();
        for (int i = 2; i < docs.size(); i++) {
            milestones.add((RecoveryMilestone) reader.read(docs.get(i)));
        }
        return new ThreeMilestones(
                (ProcedureNote) reader.read(docs.get(0)), (CandidacyAssessment) reader.read(docs.get(1)), milestones);
    }
}
