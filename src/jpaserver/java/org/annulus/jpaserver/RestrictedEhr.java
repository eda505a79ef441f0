package org.annulus.jpaserver;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Condition;

/**
 * Makes HAPI's JPA server answer like a hospital EHR in a {@link ServerMode restricted mode}: refuses
 * what the EHR refuses (405, or 400 for a search parameter it does not have, each with an
 * OperationOutcome), drops {@code If-None-Exist} the way an EHR without conditional create ignores it,
 * and says the same in its CapabilityStatement, which is what a client plans its writes from.
 */
@Interceptor
final class RestrictedEhr {

    /** Interactions no restricted mode offers, whatever the resource type. */
    private static final Set<RestOperationTypeEnum> NEVER = EnumSet.of(
            RestOperationTypeEnum.TRANSACTION,
            RestOperationTypeEnum.BATCH,
            RestOperationTypeEnum.DELETE,
            RestOperationTypeEnum.PATCH,
            RestOperationTypeEnum.META_ADD,
            RestOperationTypeEnum.META_DELETE,
            RestOperationTypeEnum.ADD_TAGS,
            RestOperationTypeEnum.DELETE_TAGS,
            RestOperationTypeEnum.UPDATE_REWRITE_HISTORY,
            RestOperationTypeEnum.EXTENDED_OPERATION_SERVER,
            RestOperationTypeEnum.EXTENDED_OPERATION_TYPE,
            RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE);

    /** What the statement keeps of each type's interactions: reading never changes. */
    private static final Set<TypeRestfulInteraction> READS = EnumSet.of(
            TypeRestfulInteraction.READ,
            TypeRestfulInteraction.VREAD,
            TypeRestfulInteraction.SEARCHTYPE,
            TypeRestfulInteraction.HISTORYINSTANCE,
            TypeRestfulInteraction.HISTORYTYPE);

    private static final String IDENTIFIER = "identifier";
    private static final String CONDITION_VER_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

    private final ServerMode mode;

    RestrictedEhr(ServerMode mode) {
        this.mode = mode;
    }

    /** Before any handler reads it: a conditional create becomes a plain create, as on an EHR without one. */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean ignoreIfNoneExist(RequestDetails request) {
        if (request.getHeader(Constants.HEADER_IF_NONE_EXIST) != null) {
            request.setHeaders(Constants.HEADER_IF_NONE_EXIST, List.of());
        }
        return true;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void refuseWhatTheEhrRefuses(RequestDetails request, RestOperationTypeEnum operation) {
        String type = request.getResourceName();
        if (NEVER.contains(operation)) {
            String what = operation == RestOperationTypeEnum.TRANSACTION ? "transaction or batch" : operation.getCode();
            throw refused(what + (type == null ? "" : " on " + type));
        }
        switch (operation) {
            case CREATE -> {
                if (!mode.canCreate(type)) {
                    throw refused("create of " + type);
                }
            }
            case UPDATE -> {
                if (request.getConditionalUrl(RestOperationTypeEnum.UPDATE) != null) {
                    throw refused("conditional update of " + type);
                }
                if (!mode.canUpdate(type)) {
                    throw refused("update of " + type);
                }
            }
            case SEARCH_TYPE, SEARCH_SYSTEM -> {
                if (searchesByIdentifier(request) && (type == null || !mode.canSearchByIdentifier(type))) {
                    // an unknown parameter handled strictly (FHIR R4 search, "Prefer: handling=strict"):
                    // a lenient server would answer every resource as a match, worse for a client than an error
                    throw new InvalidRequestException("this EHR (" + mode.argument() + ") has no search parameter '"
                            + IDENTIFIER + "' for " + (type == null ? "a search across types" : type));
                }
            }
            default -> {
                // reads, history, paging, metadata: as HAPI answers them
            }
        }
    }

    /**
     * Epic's Condition.Create takes verificationStatus provisional only (422 otherwise): a problem a system
     * files waits for a clinician to confirm it. A Condition that states none is taken.
     */
    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void refuseAVerificationStatusTheEhrDoesNotTake(IBaseResource resource) {
        if (resource instanceof Condition condition && condition.hasVerificationStatus()) {
            boolean accepted = condition.getVerificationStatus().getCoding().stream()
                    .anyMatch(c -> CONDITION_VER_STATUS.equals(c.getSystem())
                            && mode.acceptsVerificationStatus(c.getCode()));
            if (!accepted) {
                throw new UnprocessableEntityException("this EHR (" + mode.argument()
                        + ") accepts a Condition only with verificationStatus "
                        + mode.conditionVerificationStatus());
            }
        }
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public IBaseConformance sayTheSame(IBaseConformance generated) {
        CapabilityStatement statement = (CapabilityStatement) generated;
        for (CapabilityStatementRestComponent rest : statement.getRest()) {
            rest.getInteraction()
                    .removeIf(i -> i.getCode() == SystemRestfulInteraction.TRANSACTION
                            || i.getCode() == SystemRestfulInteraction.BATCH);
            rest.getOperation().clear();
            rest.getResource().forEach(this::restrict);
        }
        return statement;
    }

    private void restrict(CapabilityStatementRestResourceComponent resource) {
        String type = resource.getType();
        resource.getInteraction().removeIf(i -> !READS.contains(i.getCode())
                && !(i.getCode() == TypeRestfulInteraction.CREATE && mode.canCreate(type))
                && !(i.getCode() == TypeRestfulInteraction.UPDATE && mode.canUpdate(type)));
        resource.setConditionalCreate(false);
        resource.setConditionalUpdate(false);
        resource.setConditionalDelete(ConditionalDeleteStatus.NOTSUPPORTED);
        resource.setUpdateCreate(false);
        resource.getOperation().clear();
        if (!mode.canSearchByIdentifier(type)) {
            resource.getSearchParam().removeIf(p -> IDENTIFIER.equals(p.getName()));
        }
    }

    private static boolean searchesByIdentifier(RequestDetails request) {
        return request.getParameters().keySet().stream()
                .anyMatch(name -> name.equals(IDENTIFIER) || name.startsWith(IDENTIFIER + ":"));
    }

    private MethodNotAllowedException refused(String what) {
        return new MethodNotAllowedException("this EHR (" + mode.argument() + ") does not accept " + what);
    }
}
