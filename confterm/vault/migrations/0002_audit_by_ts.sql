-- The audit screen's date filter: turns a day range into a seq range without a table scan.
CREATE INDEX audit_by_ts ON audit_events(ts);
