package org.annulus.bridge.ehr;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.annulus.bridge.TestClock;
import org.annulus.bridge.ledger.LedgerEntry;
import org.annulus.bridge.ledger.WriteLedger;
import org.annulus.bridge.ledger.WriteMethod;
import org.annulus.bridge.mapping.FallbackNote;
import org.flywaydb.core.Flyway;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The ledger-planned writes against an EHR that, like Epic, has no transactions and ignores
 * conditional creates (WireMock answers as such a server would; the ledger is real, on H2).
 */
class LedgerWriterTest {

    static final String SYSTEM = "http://annulus.org/fhir/sid/bridge-resource";
    static final String DIAGNOSIS = "candidacy-assessment/p1/CA-1/diagnosis";
    static final String PROCEDURE = "procedure-note/p1/PN-1/procedure";
    static final DriverManagerDataSource H2 = new DriverManagerDataSource(
            "jdbc:h2:mem:ledger-writer;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    static final FhirContext FHIR = FhirContext.forR4Cached();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    final TestClock clock = new TestClock(Instant.parse("2026-03-01T09:00:00Z"));
    final WriteLedger ledger = ledger();
    /** Read timeout 30 s: an unanswered create may still land for a minute. */
    final LedgerWriter writer = new LedgerWriter(
            FHIR,
            ledger,
            clock,
            new EhrProperties(
                    "",
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(30),
                    "generic",
                    Duration.ofSeconds(30)));

    IGenericClient client;
    String ehr;

    /** What a test's EHR lets the writer do: every type creatable, some not updatable, some search parameters. */
    record Rules(boolean transaction, Set<String> notUpdatable, Set<String> searchable) implements LedgerWriter.Rules {

        public boolean canCreate(String type) {
            return true;
        }

        public boolean canUpdate(String type) {
            return !notUpdatable.contains(type);
        }

        public boolean canSearch(String type, String parameter) {
            return searchable.contains(parameter);
        }
    }

    /** Epic-like: no transactions, no Condition update, no identifier search. */
    static final Rules EPIC_LIKE = new Rules(false, Set.of("Condition"), Set.of("patient"));

    static final Rules WITH_IDENTIFIER_SEARCH = new Rules(false, Set.of(), Set.of("identifier", "patient"));

    /** HAPI-like: transactions, every write, identifier search. */
    static final Rules WITH_TRANSACTIONS = new Rules(true, Set.of(), Set.of("identifier", "patient"));

    @BeforeAll
    static void migrate() {
        Flyway.configure().dataSource(H2).cleanDisabled(false).load().clean();
        Flyway.configure().dataSource(H2).load().migrate();
    }

    private WriteLedger ledger() {
        JdbcClient jdbc = JdbcClient.create(H2);
        jdbc.sql("delete from ehr_write_ledger").update();
        return new WriteLedger(jdbc, new DataSourceTransactionManager(H2), clock);
    }

    @BeforeEach
    void client() {
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        ehr = wm.baseUrl() + "/fhir";
        client = FHIR.newRestfulGenericClient(ehr);
    }

    @Test
    void createsOnceAndAResendWritesNothing() {
        created("Condition", "c-1", "1");

        LedgerWriter.Outcome first =
                writer.write(client, ehr, bundle(diagnosis("moderate")), "t-1", "pat-1", EPIC_LIKE, false);
        LedgerWriter.Outcome again =
                writer.write(client, ehr, bundle(diagnosis("moderate")), "t-1", "pat-1", EPIC_LIKE, false);

        assertThat(first.written()).singleElement().satisfies(w -> {
            assertThat(w.id()).isEqualTo("c-1");
            assertThat(w.version()).isEqualTo("1");
            assertThat(w.businessIdentifier()).isEqualTo(SYSTEM + "|" + DIAGNOSIS);
        });
        assertThat(again.written()).isEqualTo(first.written());
        wm.verify(1, postRequestedFor(urlPathEqualTo("/fhir/Condition")));
        wm.verify(0, postRequestedFor(urlPathEqualTo("/fhir/Condition")).withHeader("If-None-Exist", anything()));
    }

    @Test
    void aCreateWhoseAnswerWasLostIsFoundByIdentifierNotCreatedAgain() {
        wm.stubFor(
                post(urlPathEqualTo("/fhir/Condition")).willReturn(aResponse().withStatus(503)));
        assertThatThrownBy(() -> writer.write(
                        client, ehr, bundle(diagnosis("moderate")), "t-1", "pat-1", WITH_IDENTIFIER_SEARCH, false))
                .isInstanceOf(BaseServerResponseException.class);
        assertThat(ledger.find(ehr, SYSTEM + "|" + DIAGNOSIS))
                .hasValueSatisfying(e -> assertThat(e.mayExistUnknown()).isTrue());

        // The 503 came after the EHR had stored it.
        Condition there = diagnosis("moderate");
        there.setId("Condition/c-7/_history/1");
        wm.stubFor(get(urlPathEqualTo("/fhir/Condition"))
                .withQueryParam("identifier", equalTo(SYSTEM + "|" + DIAGNOSIS))
                .willReturn(fhirJson(200, searchset(there))));

        LedgerWriter.Outcome resent =
                writer.write(client, ehr, bundle(diagnosis("moderate")), "t-1", "pat-1", WITH_IDENTIFIER_SEARCH, false);

        assertThat(resent.written()).singleElement().satisfies(w -> assertThat(w.id())
                .isEqualTo("c-7"));
        wm.verify(1, postRequestedFor(urlPathEqualTo("/fhir/Condition")));
        LedgerEntry entry = ledger.find(ehr, SYSTEM + "|" + DIAGNOSIS).orElseThrow();
        assertThat(entry.serverId()).contains("c-7");
        assertThat(entry.pending()).isEmpty();
    }

    @Test
    void anUnansweredCreateNotFoundYetWaitsForTheEhrToSettleBeforeCreatingAgain() {
        wm.stubFor(
                post(urlPathEqualTo("/fhir/Condition")).willReturn(aResponse().withStatus(503)));
        assertThatThrownBy(() -> writer.write(
                        client, ehr, bundle(diagnosis("moderate")), "t-1", "pat-1", WITH_IDENTIFIER_SEARCH, false))
                .isInstanceOf(BaseServerResponseException.class);
        // The EHR may still be storing the first create: a search that finds nothing proves nothing yet.
        wm.stubFor(get(urlPathEqualTo("/fhir/Condition")).willReturn(fhirJson(200, searchset())));
        clock.advance(Duration.ofSeconds(20));

        assertThatThrownBy(() -> writer.write(
                        client, ehr, bundle(diagnosis("moderate")), "t-1", "pat-1", WITH_IDENTIFIER_SEARCH, false))
                .isInstanceOfSatisfying(LedgerWriter.OutcomeNotSettled.class, e -> assertThat(e.retryAfter())
                        .isEqualTo(Duration.ofSeconds(40)));
        wm.verify(1, postRequestedFor(urlPathEqualTo("/fhir/Condition")));

        // Twice the read timeout after the intent, absence is proven: created once more, and only then.
        clock.advance(Duration.ofSeconds(40));
        created("Condition", "c-2", "1");
        LedgerWriter.Outcome resent =
                writer.write(client, ehr, bundle(diagnosis("moderate")), "t-1", "pat-1", WITH_IDENTIFIER_SEARCH, false);

        assertThat(resent.written()).singleElement().satisfies(w -> assertThat(w.id())
                .isEqualTo("c-2"));
        wm.verify(2, postRequestedFor(urlPathEqualTo("/fhir/Condition")));
    }

    @Test
    void withoutIdentifierSearchThePatientsResourcesAreSearchedForOurIdentifier() {
        ledger.recordIntent(ehr, SYSTEM + "|" + DIAGNOSIS, "Condition", WriteMethod.CREATE, "t-1");
        Condition there = diagnosis("moderate");
        there.setId("Condition/c-8/_history/1");
        Condition someoneElses = new Condition();
        someoneElses.setId("Condition/other/_history/1");
        wm.stubFor(get(urlPathEqualTo("/fhir/Condition"))
                .withQueryParam("patient", equalTo("pat-1"))
                .willReturn(fhirJson(200, searchset(someoneElses, there))));

        LedgerWriter.Outcome resent =
                writer.write(client, ehr, bundle(diagnosis("moderate")), "t-1", "pat-1", EPIC_LIKE, false);

        assertThat(resent.written()).singleElement().satisfies(w -> assertThat(w.id())
                .isEqualTo("c-8"));
        assertThat(resent.held()).isEmpty();
        wm.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void whenNoSearchCanSettleItTheResourceIsHeldForReviewNeverCreatedBlind() {
        ledger.recordIntent(ehr, SYSTEM + "|" + DIAGNOSIS, "Condition", WriteMethod.CREATE, "t-1");
        // The EHR drops identifiers it does not know: the patient's Conditions do not carry ours.
        Condition unlabelled = new Condition();
        unlabelled.setId("Condition/c-9/_history/1");
        wm.stubFor(get(urlPathEqualTo("/fhir/Condition")).willReturn(fhirJson(200, searchset(unlabelled))));

        LedgerWriter.Outcome resent =
                writer.write(client, ehr, bundle(diagnosis("moderate")), "t-1", "pat-1", EPIC_LIKE, false);

        assertThat(resent.written()).isEmpty();
        assertThat(resent.held()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(EhrWriteResult.Held.Kind.NEEDS_REVIEW);
            assertThat(h.reason()).contains("check the patient's Condition resources for identifier");
        });
        wm.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void anAmendmentUpdatesByServerIdWithIfMatchOnTheVersionWeWrote() {
        weWroteTheProcedureAndTheEhrHoldsVersion("1");
        wm.stubFor(put(urlPathEqualTo("/fhir/Procedure/p-1"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Location", ehr + "/Procedure/p-1/_history/2")
                        .withHeader("Content-Type", "application/fhir+json")
                        .withBody("{\"resourceType\":\"Procedure\",\"id\":\"p-1\",\"meta\":{\"versionId\":\"2\"}}")));

        LedgerWriter.Outcome amended =
                writer.write(client, ehr, bundle(procedure(null)), "t-2", "pat-1", EPIC_LIKE, false);

        wm.verify(1, putRequestedFor(urlPathEqualTo("/fhir/Procedure/p-1")).withHeader("If-Match", equalTo("W/\"1\"")));
        assertThat(amended.written()).singleElement().satisfies(w -> assertThat(w.version())
                .isEqualTo("2"));
        assertThat(ledger.find(ehr, SYSTEM + "|" + PROCEDURE).orElseThrow().writtenVersion())
                .contains("2");
    }

    @Test
    void ourOwnUpdateWhoseAnswerWasLostIsNotTakenForAClinicianEdit() {
        weWroteTheProcedureAndTheEhrHoldsVersion("2"); // version 2 is what we sent: its answer was lost
        ledger.recordIntent(ehr, SYSTEM + "|" + PROCEDURE, "Procedure", WriteMethod.UPDATE, "t-2");

        LedgerWriter.Outcome resent =
                writer.write(client, ehr, bundle(procedure(null)), "t-2", "pat-1", EPIC_LIKE, false);

        assertThat(resent.held()).as("no conflict with ourselves").isEmpty();
        assertThat(resent.written()).singleElement().satisfies(w -> assertThat(w.version())
                .isEqualTo("2"));
        wm.verify(0, putRequestedFor(anyUrl()));
        LedgerEntry entry = ledger.find(ehr, SYSTEM + "|" + PROCEDURE).orElseThrow();
        assertThat(entry.writtenVersion()).contains("2");
        assertThat(entry.pending()).isEmpty();
    }

    @Test
    void ourLostUpdateOfAResourceRecomposedSinceIsRecognisedByWhatItWasToWriteAndUpdatedOn() {
        // Our update to version 2 (the plan as it was then) lost its answer; the resend says something else.
        weWroteTheProcedureAndTheEhrHoldsVersion("1");
        Procedure then = procedure(null);
        then.setStatus(Procedure.ProcedureStatus.INPROGRESS);
        wm.stubFor(put(urlPathEqualTo("/fhir/Procedure/p-1"))
                .willReturn(aResponse().withStatus(503)));
        assertThatThrownBy(() -> writer.write(client, ehr, bundle(then), "t-2", "pat-1", EPIC_LIKE, false))
                .isInstanceOf(BaseServerResponseException.class);
        Procedure landed = then.copy();
        landed.setId("Procedure/p-1/_history/2");
        landed.getMeta().setSource("#ehr-request-7"); // what a server adds is not what the resource says
        wm.stubFor(get(urlPathEqualTo("/fhir/Procedure/p-1")).willReturn(fhirJson(200, landed)));
        wm.stubFor(put(urlPathEqualTo("/fhir/Procedure/p-1"))
                .willReturn(aResponse().withStatus(200).withHeader("Location", ehr + "/Procedure/p-1/_history/3")));

        LedgerWriter.Outcome resent =
                writer.write(client, ehr, bundle(procedure(null)), "t-2", "pat-1", EPIC_LIKE, false);

        assertThat(resent.held()).as("no conflict with ourselves").isEmpty();
        wm.verify(putRequestedFor(urlPathEqualTo("/fhir/Procedure/p-1")).withHeader("If-Match", equalTo("W/\"2\"")));
        assertThat(ledger.find(ehr, SYSTEM + "|" + PROCEDURE).orElseThrow().writtenVersion())
                .contains("3");
    }

    @Test
    void aClinicianEditInTheEhrIsNotOverwrittenButNamedAsAConflict() {
        weWroteTheProcedureAndTheEhrHoldsVersion("3");

        LedgerWriter.Outcome amended =
                writer.write(client, ehr, bundle(procedure(null)), "t-2", "pat-1", EPIC_LIKE, false);

        wm.verify(0, putRequestedFor(anyUrl()));
        assertThat(amended.held()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(EhrWriteResult.Held.Kind.CONFLICT);
            assertThat(h.serverId()).isEqualTo("p-1");
            assertThat(h.ourVersion()).isEqualTo("1");
            assertThat(h.ehrVersion()).isEqualTo("3");
        });
        assertThat(ledger.find(ehr, SYSTEM + "|" + PROCEDURE).orElseThrow().writtenVersion())
                .contains("1");
    }

    @Test
    void anEditBetweenOurReadAndOurWriteIsAConflictToo() {
        weWroteTheProcedureAndTheEhrHoldsVersion("1");
        wm.stubFor(put(urlPathEqualTo("/fhir/Procedure/p-1"))
                .willReturn(aResponse().withStatus(412)));

        LedgerWriter.Outcome amended =
                writer.write(client, ehr, bundle(procedure(null)), "t-2", "pat-1", EPIC_LIKE, false);

        assertThat(amended.held()).singleElement().satisfies(h -> assertThat(h.kind())
                .isEqualTo(EhrWriteResult.Held.Kind.CONFLICT));
        assertThat(ledger.find(ehr, SYSTEM + "|" + PROCEDURE).orElseThrow().pending())
                .isEmpty();
    }

    @Test
    void anAmendmentOfATypeTheEhrCannotUpdateIsHeldForReview() {
        ledger.recordWritten(ehr, SYSTEM + "|" + DIAGNOSIS, "Condition", "c-1", "1", "0".repeat(64), "t-1");

        LedgerWriter.Outcome amended =
                writer.write(client, ehr, bundle(diagnosis("severe")), "t-2", "pat-1", EPIC_LIKE, false);

        wm.verify(0, putRequestedFor(anyUrl()));
        wm.verify(0, getRequestedFor(anyUrl()));
        assertThat(amended.held()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(EhrWriteResult.Held.Kind.NEEDS_REVIEW);
            assertThat(h.reason()).contains("does not take updates of Condition");
        });
    }

    @Test
    void aNoteTheEhrCannotUpdateIsReplacedByANewNoteThatSaysSoAndTheNextAmendmentReplacesThatOne() {
        String note = "candidacy-assessment/p1/CA-1/consult-note";
        Rules noNoteUpdates = new Rules(false, Set.of("DocumentReference"), Set.of("identifier", "patient"));
        ledger.recordWritten(ehr, SYSTEM + "|" + note, "DocumentReference", "n-1", "1", "0".repeat(64), "t-1");
        created("DocumentReference", "n-2", "1");

        LedgerWriter.Outcome amended = writer.write(
                client,
                ehr,
                bundleOf(entry(note(note, "amended"), "urn:uuid:note", note)),
                "t-2",
                "pat-1",
                noNoteUpdates,
                false);
        LedgerWriter.Outcome again = writer.write(
                client,
                ehr,
                bundleOf(entry(note(note, "amended"), "urn:uuid:note", note)),
                "t-2",
                "pat-1",
                noNoteUpdates,
                false);

        assertThat(amended.held()).as("replaced, not held for review").isEmpty();
        assertThat(amended.written()).singleElement().satisfies(w -> {
            assertThat(w.id()).isEqualTo("n-2");
            assertThat(w.businessIdentifier()).isEqualTo(SYSTEM + "|" + note);
        });
        wm.verify(0, putRequestedFor(anyUrl()));
        wm.verify(
                1,
                postRequestedFor(urlPathEqualTo("/fhir/DocumentReference"))
                        .withRequestBody(matchingJsonPath("$.relatesTo[0].code", equalTo("replaces")))
                        .withRequestBody(
                                matchingJsonPath("$.relatesTo[0].target.reference", equalTo("DocumentReference/n-1")))
                        .withRequestBody(matchingJsonPath(
                                "$.identifier[0].value", containing(note + LedgerWriter.REPLACEMENT_INFIX))));
        assertThat(again.written()).isEqualTo(amended.written());
        assertThat(ledger.find(ehr, SYSTEM + "|" + note).orElseThrow().serverId())
                .as("the note's identifier names the current note")
                .contains("n-2");

        created("DocumentReference", "n-3", "1");
        LedgerWriter.Outcome retracted = writer.write(
                client,
                ehr,
                bundleOf(entry(note(note, "retracted"), "urn:uuid:note", note)),
                "t-3",
                "pat-1",
                noNoteUpdates,
                false);

        assertThat(retracted.written()).singleElement().satisfies(w -> assertThat(w.id())
                .isEqualTo("n-3"));
        wm.verify(
                1,
                postRequestedFor(urlPathEqualTo("/fhir/DocumentReference"))
                        .withRequestBody(
                                matchingJsonPath("$.relatesTo[0].target.reference", equalTo("DocumentReference/n-2"))));
    }

    @Test
    void anAmendmentHeldForReviewGoesInAsANoteRelatedToTheConditionRetiredOnceTheAmendmentIsApplied() {
        AmendmentNotes notes = new AmendmentNotes(ledger, writer);
        ledger.recordWritten(ehr, SYSTEM + "|" + DIAGNOSIS, "Condition", "c-1", "1", "0".repeat(64), "t-1");
        created("DocumentReference", "n-1", "1");
        Bundle amendment = bundle(diagnosis("severe"));

        LedgerWriter.Outcome held = notes.writeAfter(
                client,
                ehr,
                amendment,
                writer.write(client, ehr, amendment, "t-2", "pat-1", EPIC_LIKE, false),
                "t-2",
                "pat-1",
                EPIC_LIKE);

        assertThat(held.held()).singleElement().satisfies(h -> assertThat(h.kind())
                .isEqualTo(EhrWriteResult.Held.Kind.NEEDS_REVIEW));
        assertThat(held.written())
                .extracting(EhrWriteResult.WrittenEntry::resourceType, EhrWriteResult.WrittenEntry::id)
                .contains(org.assertj.core.groups.Tuple.tuple("DocumentReference", "n-1"));
        wm.verify(
                1,
                postRequestedFor(urlPathEqualTo("/fhir/DocumentReference"))
                        .withRequestBody(matchingJsonPath("$.context.related[0].reference", equalTo("Condition/c-1")))
                        .withRequestBody(matchingJsonPath("$.status", equalTo("current")))
                        .withRequestBody(matchingJsonPath(
                                "$.identifier[0].value", equalTo(DIAGNOSIS + FallbackNote.AMENDMENT_SUFFIX))));

        // Later the EHR takes the update (an operator chose to overwrite, say): the note no longer applies.
        Condition there = diagnosis("moderate");
        there.setId("Condition/c-1/_history/1");
        wm.stubFor(get(urlPathEqualTo("/fhir/Condition/c-1")).willReturn(fhirJson(200, there)));
        wm.stubFor(put(urlPathEqualTo("/fhir/Condition/c-1"))
                .willReturn(aResponse().withStatus(200).withHeader("Location", ehr + "/Condition/c-1/_history/2")));
        org.hl7.fhir.r4.model.DocumentReference noteThere = note(DIAGNOSIS + FallbackNote.AMENDMENT_SUFFIX, "as sent");
        noteThere.setId("DocumentReference/n-1/_history/1");
        wm.stubFor(get(urlPathEqualTo("/fhir/DocumentReference/n-1")).willReturn(fhirJson(200, noteThere)));
        wm.stubFor(put(urlPathEqualTo("/fhir/DocumentReference/n-1"))
                .willReturn(
                        aResponse().withStatus(200).withHeader("Location", ehr + "/DocumentReference/n-1/_history/2")));

        LedgerWriter.Outcome applied = notes.writeAfter(
                client,
                ehr,
                amendment,
                writer.write(client, ehr, amendment, "t-2", "pat-1", WITH_IDENTIFIER_SEARCH, true),
                "t-2",
                "pat-1",
                WITH_IDENTIFIER_SEARCH);

        assertThat(applied.held()).isEmpty();
        wm.verify(
                1,
                putRequestedFor(urlPathEqualTo("/fhir/DocumentReference/n-1"))
                        .withHeader("If-Match", equalTo("W/\"1\""))
                        .withRequestBody(matchingJsonPath("$.status", equalTo("entered-in-error")))
                        .withRequestBody(matchingJsonPath("$.context.related[0].reference", equalTo("Condition/c-1"))));
        wm.verify(1, postRequestedFor(urlPathEqualTo("/fhir/DocumentReference")));
    }

    @Test
    void referencesBecomeTheServerIdsOfWhatWasWrittenFirst() {
        created("Condition", "c-1", "1");
        created("Procedure", "p-1", "1");
        Bundle bundle = bundle(diagnosis("moderate"));
        Procedure procedure = procedure(new Reference("urn:uuid:condition"));
        // Listed first: the order of writes follows the references, not the bundle.
        bundle.getEntry().add(0, entry(procedure, "urn:uuid:procedure", PROCEDURE));

        LedgerWriter.Outcome written = writer.write(client, ehr, bundle, "t-1", "pat-1", EPIC_LIKE, false);

        assertThat(written.written())
                .extracting(EhrWriteResult.WrittenEntry::id)
                .containsExactly("p-1", "c-1");
        wm.verify(postRequestedFor(urlPathEqualTo("/fhir/Procedure"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"Condition/c-1\"")));
    }

    @Test
    void anIdentifierOnlyReferenceToWhatAnEarlierSendWroteIsMadeLiteral() {
        ledger.recordWritten(ehr, SYSTEM + "|" + DIAGNOSIS, "Condition", "c-5", "1", "0".repeat(64), "t-0");
        created("Procedure", "p-1", "1");
        Reference byIdentifier =
                new Reference().setIdentifier(new Identifier().setSystem(SYSTEM).setValue(DIAGNOSIS));

        writer.write(
                client,
                ehr,
                bundleOf(entry(procedure(byIdentifier), "urn:uuid:procedure", PROCEDURE)),
                "t-1",
                "pat-1",
                EPIC_LIKE,
                false);

        wm.verify(postRequestedFor(urlPathEqualTo("/fhir/Procedure"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"Condition/c-5\"")));
    }

    @Test
    void aRefusedCreateClearsItsIntentSoTheNextTryCreatesWithoutSearching() {
        wm.stubFor(
                post(urlPathEqualTo("/fhir/Condition")).willReturn(aResponse().withStatus(422)));

        assertThatThrownBy(() ->
                        writer.write(client, ehr, bundle(diagnosis("moderate")), "t-1", "pat-1", EPIC_LIKE, false))
                .isInstanceOf(BaseServerResponseException.class);

        assertThat(ledger.find(ehr, SYSTEM + "|" + DIAGNOSIS))
                .hasValueSatisfying(e -> assertThat(e.mayExistUnknown()).isFalse());
    }

    @Test
    void whereTheEhrTakesTransactionsThePlannedWritesGoAsOnePlainCreatesAndAResendSendsNothing() {
        Bundle answer = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        answer.addEntry().getResponse().setStatus("201 Created").setLocation("Condition/c-1/_history/1");
        answer.addEntry().getResponse().setStatus("201 Created").setLocation("Procedure/p-1/_history/1");
        wm.stubFor(post(urlPathEqualTo("/fhir")).willReturn(fhirJson(200, answer)));
        Bundle bundle = bundle(diagnosis("moderate"));
        bundle.addEntry(entry(procedure(new Reference("urn:uuid:condition")), "urn:uuid:procedure", PROCEDURE));

        LedgerWriter.Outcome first = writer.write(client, ehr, bundle, "t-1", "pat-1", WITH_TRANSACTIONS, false);
        LedgerWriter.Outcome again = writer.write(
                client,
                ehr,
                bundle(diagnosis("moderate"))
                        .addEntry(
                                entry(procedure(new Reference("urn:uuid:condition")), "urn:uuid:procedure", PROCEDURE)),
                "t-1",
                "pat-1",
                WITH_TRANSACTIONS,
                false);

        assertThat(first.written()).extracting(EhrWriteResult.WrittenEntry::id).containsExactly("c-1", "p-1");
        assertThat(again.written()).isEqualTo(first.written());
        wm.verify(1, postRequestedFor(urlPathEqualTo("/fhir")));
        Bundle sent = FHIR.newJsonParser()
                .parseResource(
                        Bundle.class,
                        wm.findAll(postRequestedFor(urlPathEqualTo("/fhir")))
                                .get(0)
                                .getBodyAsString());
        assertThat(sent.getEntry()).allSatisfy(e -> {
            assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
            assertThat(e.getRequest().hasIfNoneExist()).isFalse();
        });
        assertThat(ledger.find(ehr, SYSTEM + "|" + PROCEDURE).orElseThrow().serverId())
                .contains("p-1");
    }

    /** 412 as FHIR says; 409 as HAPI's JPA server answers an If-Match on a stale version (HAPI-0989). */
    @ParameterizedTest
    @ValueSource(ints = {412, 409})
    void aTransactionAmendmentUpdatesByIdWithIfMatchAndAFailedPreconditionFindsTheConflictOneByOne(int status) {
        weWroteTheProcedureAndTheEhrHoldsVersion("4");
        wm.stubFor(post(urlPathEqualTo("/fhir")).willReturn(aResponse().withStatus(status)));

        LedgerWriter.Outcome amended =
                writer.write(client, ehr, bundle(procedure(null)), "t-2", "pat-1", WITH_TRANSACTIONS, false);

        Bundle sent = FHIR.newJsonParser()
                .parseResource(
                        Bundle.class,
                        wm.findAll(postRequestedFor(urlPathEqualTo("/fhir")))
                                .get(0)
                                .getBodyAsString());
        assertThat(sent.getEntryFirstRep().getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
        assertThat(sent.getEntryFirstRep().getRequest().getUrl()).isEqualTo("Procedure/p-1");
        assertThat(sent.getEntryFirstRep().getRequest().getIfMatch()).isEqualTo("W/\"1\"");
        assertThat(amended.held()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(EhrWriteResult.Held.Kind.CONFLICT);
            assertThat(h.ourVersion()).isEqualTo("1");
            assertThat(h.ehrVersion()).isEqualTo("4");
        });
        wm.verify(0, putRequestedFor(anyUrl()));
        assertThat(ledger.find(ehr, SYSTEM + "|" + PROCEDURE).orElseThrow().pending())
                .isEmpty();
    }

    @Test
    void anOperatorsOverwriteUpdatesOnTheEhrsCurrentVersion() {
        weWroteTheProcedureAndTheEhrHoldsVersion("3");
        wm.stubFor(put(urlPathEqualTo("/fhir/Procedure/p-1"))
                .willReturn(aResponse().withStatus(200).withHeader("Location", ehr + "/Procedure/p-1/_history/4")));

        LedgerWriter.Outcome overwritten =
                writer.write(client, ehr, bundle(procedure(null)), "t-2", "pat-1", WITH_TRANSACTIONS, true);

        wm.verify(1, putRequestedFor(urlPathEqualTo("/fhir/Procedure/p-1")).withHeader("If-Match", equalTo("W/\"3\"")));
        assertThat(overwritten.held()).isEmpty();
        assertThat(ledger.find(ehr, SYSTEM + "|" + PROCEDURE).orElseThrow().writtenVersion())
                .contains("4");
    }

    // --- the EHR's answers and the send's resources

    private void created(String type, String id, String version) {
        wm.stubFor(post(urlPathEqualTo("/fhir/" + type))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Location", ehr + "/" + type + "/" + id + "/_history/" + version)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder fhirJson(
            int status, IBaseResource body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/fhir+json;charset=utf-8")
                .withBody(FHIR.newJsonParser().encodeResourceToString(body));
    }

    private static Bundle searchset(Resource... resources) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        for (Resource r : resources) {
            bundle.addEntry()
                    .setResource(r)
                    .setFullUrl(r.getIdElement().toUnqualifiedVersionless().getValue());
        }
        return bundle;
    }

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern anything() {
        return com.github.tomakehurst.wiremock.client.WireMock.matching(".*");
    }

    private static Condition diagnosis(String severity) {
        Condition condition = new Condition();
        condition.addIdentifier().setSystem(SYSTEM).setValue(DIAGNOSIS);
        condition.setSubject(new Reference("Patient/pat-1"));
        condition.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "23056005", "Sciatica")));
        condition.setSeverity(new CodeableConcept().setText(severity));
        return condition;
    }

    private static org.hl7.fhir.r4.model.DocumentReference note(String identifier, String text) {
        org.hl7.fhir.r4.model.DocumentReference note = new org.hl7.fhir.r4.model.DocumentReference();
        note.addIdentifier().setSystem(SYSTEM).setValue(identifier);
        note.setSubject(new Reference("Patient/pat-1"));
        note.setStatus(org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.CURRENT);
        note.addContent().getAttachment().setContentType("text/plain").setData(text.getBytes());
        return note;
    }

    private static Procedure procedure(Reference reason) {
        Procedure procedure = new Procedure();
        procedure.addIdentifier().setSystem(SYSTEM).setValue(PROCEDURE);
        procedure.setSubject(new Reference("Patient/pat-1"));
        procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
        if (reason != null) {
            procedure.addReasonReference(reason);
        }
        return procedure;
    }

    private static Bundle bundle(Resource resource) {
        String value = resource instanceof Condition c
                ? c.getIdentifierFirstRep().getValue()
                : ((Procedure) resource).getIdentifierFirstRep().getValue();
        return bundleOf(entry(resource, "urn:uuid:" + resource.fhirType().toLowerCase(), value));
    }

    private static Bundle bundleOf(Bundle.BundleEntryComponent... entries) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Bundle.BundleEntryComponent e : entries) {
            bundle.addEntry(e);
        }
        return bundle;
    }

    private static Bundle.BundleEntryComponent entry(Resource resource, String fullUrl, String value) {
        Bundle.BundleEntryComponent entry =
                new Bundle.BundleEntryComponent().setFullUrl(fullUrl).setResource(resource);
        entry.getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl(resource.fhirType() + "?identifier=" + SYSTEM + "|" + value);
        return entry;
    }

    /** The ledger holds our write of Procedure p-1 (version 1); the EHR answers a read with {@code version}. */
    private void weWroteTheProcedureAndTheEhrHoldsVersion(String version) {
        ledger.recordWritten(ehr, SYSTEM + "|" + PROCEDURE, "Procedure", "p-1", "1", "0".repeat(64), "t-1");
        Procedure current = procedure(null);
        current.setId("Procedure/p-1/_history/" + version);
        wm.stubFor(get(urlPathEqualTo("/fhir/Procedure/p-1")).willReturn(fhirJson(200, current)));
    }
}
