package org.annulus.bridge.outbox;

import java.time.Instant;

/**
 * Copies of raw clinic documents kept outside the store (the file drop's), purged by
 * {@link DocumentRetention} on the same schedule and with the same cutoff as the store's raw text.
 */
public interface RawDocumentCopies {

    /** Deletes the copies last written before {@code cutoff}; returns how many went. */
    int purgeBefore(Instant cutoff);

    /** What they are, for the log: {@code "file-drop copies"}. */
    String description();
}
