package org.annulus.bridge.audit;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The audit log's own verification, for auditors (role bridge.audit). */
@RestController
class AuditController {

    private final AuditLog auditLog;

    AuditController(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    /** Recomputes the chain and the checkpoint signatures; the body says OK or where it first breaks. */
    @GetMapping("/api/v1/audit/verify")
    ResponseEntity<ChainVerification> verify() {
        return ResponseEntity.ok(auditLog.verify());
    }
}
