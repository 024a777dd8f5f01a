-- Change control for many records at once (classify a selection, move records into a box).
-- A batch is what one person asked for in one act; each record still gets its own proposal
-- (its own before/after, version and signature), and an approver may decide the whole batch
-- in one sitting. Records whose change needed no approval were applied at once and are
-- counted in `applied`.
CREATE TABLE record_change_batches(
    id           INTEGER PRIMARY KEY,
    action       TEXT NOT NULL CHECK (action IN ('classify', 'move', 'edit')),
    fields       TEXT NOT NULL,            -- the wanted values, canonical JSON
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    selected     INTEGER NOT NULL,
    applied      INTEGER NOT NULL,
    proposed     INTEGER NOT NULL,
    proposed_by  TEXT NOT NULL,
    proposed_at  TEXT NOT NULL
);
ALTER TABLE record_changes ADD COLUMN batch_id INTEGER REFERENCES record_change_batches(id);
CREATE INDEX record_changes_by_batch ON record_changes(batch_id, status)
    WHERE batch_id IS NOT NULL;
