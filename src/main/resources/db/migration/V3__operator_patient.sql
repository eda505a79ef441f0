-- The EHR Patient an operator chose for a document that matched no patient, or several.
alter table clinical_document add column ehr_patient_id varchar(128);
