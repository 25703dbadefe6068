-- Results: professionals find a patient by NIR (then names are compared).
CREATE INDEX patient_records_nir ON patient_records(nir) WHERE nir IS NOT NULL;
