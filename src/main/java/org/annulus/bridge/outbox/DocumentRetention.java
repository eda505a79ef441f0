package org.annulus.bridge.outbox;

import java.time.OffsetDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Purges the raw text of documents kept past {@code bridge.retention.raw-documents}, and the raw
 * copies kept elsewhere ({@link RawDocumentCopies}). Several instances may run it at once: the purge
 * is one idempotent update.
 */
@Component
public class DocumentRetention {

    private static final Logger log = LoggerFactory.getLogger(DocumentRetention.class);

    private final DocumentStore store;
    private final TransactionTemplate tx;
    private final RetentionProperties properties;
    private final List<RawDocumentCopies> copies;

    DocumentRetention(
            DocumentStore store,
            TransactionTemplate tx,
            RetentionProperties properties,
            List<RawDocumentCopies> copies) {
        this.store = store;
        this.tx = tx;
        this.properties = properties;
        this.copies = copies;
    }

    /** Purges what is due now; returns how many raw documents and copies went. */
    @Scheduled(cron = "${bridge.retention.purge-cron:0 30 3 * * *}")
    public int purge() {
        OffsetDateTime cutoff = store.now().minus(properties.rawDocuments());
        Integer documents = tx.execute(status -> store.purgeRawDocuments(cutoff, properties.rawDocuments()));
        int purged = logged(documents == null ? 0 : documents, "the raw text of final documents");
        for (RawDocumentCopies kept : copies) {
            purged += logged(kept.purgeBefore(cutoff.toInstant()), kept.description());
        }
        return purged;
    }

    private int logged(int purged, String what) {
        if (purged > 0) {
            log.info("retention: purged {} ({}), kept {}", what, purged, properties.rawDocuments());
        }
        return purged;
    }
}
