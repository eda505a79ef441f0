package org.annulus.bridge.document;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

/** Is this patient a candidate for an intra-annular fibrin injection? */
public record CandidacyAssessment(
        DocumentKind kind, String schemaVersion, String documentId, int version, DocumentStatus status,
        OffsetDateTime recordedAt, PatientIdentity patient, Author author,
        LegPain legPain, Integer backPainNrs, BigDecimal odi, List<ImagingStudy> imaging,
        ConservativeCare conservativeCare, Exclusions exclusions, Determination determination)
        implements ClinicalDocument {

    public CandidacyAssessment {
        imaging = imaging == null ? List.of() : List.copyOf(imaging);
    }

    public record LegPain(Side side, List<String> dermatomes, LocalDate onset, Integer nrs) {
        public LegPain {
            dermatomes = dermatomes == null ? List.of() : List.copyOf(dermatomes);
        }
    }

    public record ImagingStudy(String modality, LocalDate date, List<ImagingFinding> findings) {
        public ImagingStudy {
            findings = findings == null ? List.of() : List.copyOf(findings);
        }
    }

    public record ImagingFinding(DiscLevel level, boolean annularTear, String tearLocation,
            Boolean highIntensityZone, BigDecimal discHeightPreservedPercent) {
    }

    public record ConservativeCare(LocalDate startedOn, Integer physicalTherapyWeeks, List<String> medications,
            Integer epiduralSteroidInjections, String outcome) {
        public ConservativeCare {
            medications = medications == null ? List.of() : List.copyOf(medications);
        }
    }

    public record Exclusions(boolean severeStenosisWithProgressiveDeficit, boolean facetMediatedPain,
            boolean sacroiliacPain) {
    }

    public record Determination(Decision decision, List<DiscLevel> targetLevels, String rationale) {
        public Determination {
            targetLevels = targetLevels == null ? List.of() : List.copyOf(targetLevels);
        }
    }

    public enum Decision {
        @JsonProperty("candidate") CANDIDATE,
        @JsonProperty("not-candidate") NOT_CANDIDATE,
        @JsonProperty("refer-surgical") REFER_SURGICAL
    }
}
