-- Retry by time (issue 13): when the document's first retryable failure happened, so it is given up
-- (DEAD) only once bridge.outbox.retry-for has passed since then; cleared when the EHR answers it.
-- And how often it failed before it could be sent (mapping, composition, an unexpected error), so a
-- poison document ends REJECTED after bridge.outbox.max-failures-before-send instead of looping.
alter table clinical_document add column failing_since timestamp with time zone;
alter table clinical_document add column failures_before_send integer not null default 0;
