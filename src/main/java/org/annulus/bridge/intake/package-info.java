/**
 * Documents in: the REST API and the file drop, the JSON Schema check of contract v1, and the hand-over
 * to the durable outbox. API: {@link org.annulus.bridge.intake.DocumentIntake}.
 */
package org.annulus.bridge.intake;
