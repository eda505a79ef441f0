package org.annulus.bridge.document;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Is this patient a candidate for an intra-annular fibrin injection? Fields marked v1.1 are
 * optional additions of contract v1.1 and are null in a v1 document. {@code visit} (v1.1) is the
 * hospital's number of the assessment visit (see mapping.VisitProperties).
 */
public record CandidacyAssessment(
        DocumentKind kind,
        String schemaVersion,
        String documentId,
        int version,
        DocumentStatus status,
        OffsetDateTime recordedAt,
        PatientIdentity patient,
        Author author,
        LegPain legPain,
        Boolean axialPainOnly,
        Integer backPainNrs,
        BigDecimal odi,
        List<ImagingStudy> imaging,
        ConservativeCare conservativeCare,
        Exclusions exclusions,
        Exam exam,
        RedFlags redFlags,
        Contraindications contraindications,
        Consent consent,
        Determination determination,
        String visit)
        implements ClinicalDocument {

    public CandidacyAssessment {
        imaging = imaging == null ? List.of() : List.copyOf(imaging);
    }

    /** The leg pain; absent (v1.1) only when {@code axialPainOnly} says the pain is in the back alone. */
    public Optional<LegPain> leg() {
        return Optional.ofNullable(legPain);
    }

    /**
     * @param pattern v1.1; null means dermatomal, the only pattern v1 can express
     * @param attributedToDisc v1.1; the clinician's attribution of the leg pain to the torn disc
     */
    public record LegPain(
            Side side,
            PainPattern pattern,
            List<String> dermatomes,
            LocalDate onset,
            Integer nrs,
            Boolean attributedToDisc) {
        public LegPain {
            dermatomes = dermatomes == null ? List.of() : List.copyOf(dermatomes);
        }

        public boolean dermatomal() {
            return pattern != PainPattern.NON_DERMATOMAL;
        }
    }

    public enum PainPattern {
        @JsonProperty("dermatomal")
        DERMATOMAL,
        @JsonProperty("non-dermatomal")
        NON_DERMATOMAL
    }

    public record ImagingStudy(String modality, LocalDate date, List<ImagingFinding> findings) {
        public ImagingStudy {
            findings = findings == null ? List.of() : List.copyOf(findings);
        }
    }

    public record ImagingFinding(
            DiscLevel level,
            boolean annularTear,
            String tearLocation,
            Boolean highIntensityZone,
            BigDecimal discHeightPreservedPercent) {}

    public record ConservativeCare(
            LocalDate startedOn,
            Integer physicalTherapyWeeks,
            List<String> medications,
            Integer epiduralSteroidInjections,
            String outcome) {
        public ConservativeCare {
            medications = medications == null ? List.of() : List.copyOf(medications);
        }
    }

    /** @param stenosis v1.1: where the stenosis is and whether it causes neurogenic claudication */
    public record Exclusions(
            boolean severeStenosisWithProgressiveDeficit,
            boolean facetMediatedPain,
            boolean sacroiliacPain,
            Stenosis stenosis) {}

    public record Stenosis(List<DiscLevel> levels, Boolean neurogenicClaudication) {
        public Stenosis {
            levels = levels == null ? List.of() : List.copyOf(levels);
        }
    }

    /** v1.1: the examination the candidacy decision rests on beside imaging. */
    public record Exam(List<TensionSign> straightLegRaise, List<TensionSign> femoralStretch, List<RootFinding> roots) {
        public Exam {
            straightLegRaise = straightLegRaise == null ? List.of() : List.copyOf(straightLegRaise);
            femoralStretch = femoralStretch == null ? List.of() : List.copyOf(femoralStretch);
            roots = roots == null ? List.of() : List.copyOf(roots);
        }
    }

    /** A nerve tension sign on one side; {@code angleDegrees} only for the straight-leg raise. */
    public record TensionSign(Side side, boolean positive, Integer angleDegrees) {}

    /** Neurological findings of one nerve root on one side; each part optional. */
    public record RootFinding(String root, Side side, Integer motorGrade, String sensory, String reflex) {}

    /** v1.1: red flags, each explicitly answered. */
    public record RedFlags(boolean caudaEquinaSigns, boolean progressiveNeurologicDeficit) {}

    /** v1.1: contraindications to the injection, each explicitly answered. */
    public record Contraindications(
            boolean activeInfection,
            boolean anticoagulationOrBleedingDisorder,
            boolean pregnancy,
            boolean fibrinSealantAllergy) {}

    /** v1.1: informed consent to the injection. */
    public record Consent(boolean obtained, LocalDate date) {}

    /** @param criteria v1.1: the clinician's judgement of each inclusion criterion */
    public record Determination(Decision decision, List<DiscLevel> targetLevels, String rationale, Criteria criteria) {
        public Determination {
            targetLevels = targetLevels == null ? List.of() : List.copyOf(targetLevels);
        }
    }

    /** The clinician's per-criterion judgement; a criterion not stated is null, never guessed. */
    public record Criteria(
            Boolean tearAtConcordantLevel, Boolean discHeightPreserved, Boolean conservativeCareFailed) {}

    public enum Decision {
        @JsonProperty("candidate")
        CANDIDATE,
        @JsonProperty("not-candidate")
        NOT_CANDIDATE,
        @JsonProperty("refer-surgical")
        REFER_SURGICAL
    }

    @Override
    public OffsetDateTime clinicalTime() {
        return recordedAt;
    }

    @Override
    public String relatedDocumentId() {
        return null;
    }
}
