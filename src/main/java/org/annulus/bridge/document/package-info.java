/**
 * The clinic's input documents (contract v1) as immutable records, and their common envelope.
 * Shared by intake (which checks and stores them) and mapping (which turns them into FHIR).
 */
package org.annulus.bridge.document;
