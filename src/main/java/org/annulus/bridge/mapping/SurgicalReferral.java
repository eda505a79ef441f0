package org.annulus.bridge.mapping;

import java.util.ArrayList;
import java.util.List;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.DiscLevel;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * The referral to spine surgery of a {@code refer-surgical} decision.
 *
 * <p>Intent {@code plan}: FHIR R4 request-intent defines plan as "an intention to ensure something
 * occurs without providing an authorization for others to act", order as "a request/demand and
 * authorization for action", proposal as "a suggestion made by someone/something that does not
 * have an intention to ensure it occurs". The clinician decided on the referral (more than a
 * suggestion), but a record written by an interface into the hospital's chart is not a signed
 * order in its order workflow; the surgery service acts on it through its own intake.
 */
final class SurgicalReferral {

    private SurgicalReferral() {}

    static ServiceRequest of(
            DocumentParts parts, CandidacyAssessment doc, List<Reference> reasons, List<Reference> supportingInfo) {
        ServiceRequest request = new ServiceRequest();
        request.getMeta().addProfile(Profiles.SERVICE_REQUEST);
        request.addIdentifier(parts.identifier(CandidacyDecisionMapper.REFERRAL));
        request.setStatus(
                parts.retracted()
                        ? ServiceRequest.ServiceRequestStatus.ENTEREDINERROR
                        : ServiceRequest.ServiceRequestStatus.ACTIVE);
        request.setIntent(ServiceRequest.ServiceRequestIntent.PLAN);
        request.addCategory(new CodeableConcept(new Coding("http://snomed.info/sct", "3457005", "Patient referral"))
                .setText("Referral"));
        request.setCode(
                new CodeableConcept(Terminology.SPINE_SURGERY_REFERRAL.copy()).setText("Referral to spine surgery"));
        request.setSubject(parts.patient());
        request.setAuthoredOnElement(DocumentParts.dateTime(doc.recordedAt()));
        // The referral stands from the assessment on; the document gives no target date, so none is invented.
        request.setOccurrence(new Period().setStartElement(DocumentParts.dateTime(doc.recordedAt())));
        request.setRequester(parts.author());
        request.setReasonReference(reasons);
        request.setSupportingInfo(supportingInfo);
        List<String> lines = new ArrayList<>();
        lines.add("Referral to spine surgery for " + reason(doc));
        lines.add("Not a candidate for intra-annular fibrin injection; referred for surgical evaluation");
        if (doc.determination().rationale() != null) {
            lines.add("Rationale: " + doc.determination().rationale());
            request.addNote().setText(doc.determination().rationale());
        }
        lines.add("Requested from " + doc.recordedAt().toLocalDate() + " by "
                + doc.author().name());
        lines.add(parts.sourceLine());
        request.setText(DocumentParts.narrative(lines.toArray(String[]::new)));
        return request;
    }

    private static String reason(CandidacyAssessment doc) {
        CandidacyAssessment.Stenosis stenosis = doc.exclusions().stenosis();
        if (!doc.exclusions().severeStenosisWithProgressiveDeficit()) {
            return "surgical evaluation";
        }
        String text = "severe lumbar spinal stenosis";
        if (stenosis != null) {
            text += " at "
                    + String.join(
                            ", ",
                            stenosis.levels().stream().map(DiscLevel::code).toList());
            if (Boolean.TRUE.equals(stenosis.neurogenicClaudication())) {
                text += " with neurogenic claudication";
            }
        }
        return text + " and progressive neurologic deficit";
    }
}
