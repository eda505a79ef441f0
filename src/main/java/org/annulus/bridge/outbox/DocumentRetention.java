package org.annulus.bridge.outbox;

import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Purges the raw text of documents kept past {@code bridge.retention.raw-documents}. Several instances
 * may run it at once: the purge is one idempotent update.
 */
@Component
public class DocumentRetention {

    private static final Logger log = LoggerFactory.getLogger(DocumentRetention.class);

    private final DocumentStore store;
    private final TransactionTemplate tx;
    private final RetentionProperties properties;

    DocumentRetention(DocumentStore store, TransactionTemplate tx, RetentionProperties properties) {
        this.store = store;
        this.tx = tx;
        this.properties = properties;
    }

    /** Purges what is due now; returns how many documents lost their raw text. */
    @Scheduled(cron = "${bridge.retention.purge-cron:0 30 3 * * *}")
    public int purge() {
        OffsetDateTime cutoff = store.now().minus(properties.rawDocuments());
        Integer purged = tx.execute(status -> store.purgeRawDocuments(cutoff, properties.rawDocuments()));
        if (purged != null && purged > 0) {
            log.info("retention: raw text of {} final document(s) purged (kept {})", purged, properties.rawDocuments());
        }
        return purged == null ? 0 : purged;
    }
}
