-- Schema version 2: a staging area for metric history.
--
-- A log-batch over many distinct keys (mlflow.log_metrics() with a big dict) adds one point per
-- key. Inserted straight into metrics_history, every point lands on a different b-tree leaf, so
-- each commit rewrites ~one 4 KB page per key into the WAL (1000 keys: ~4 MB per call). Such
-- points are appended here instead (rows of one commit share a few pages) and moved into
-- metrics in bulk, sorted, once enough have gathered: each history leaf is then written once per
-- move instead of once per call. Readers of history read both tables.
--
-- Rows are in arrival order (rowid); the index only narrows a history read to one run, and as
-- its entries are (run_id, rowid) new rows append at the end of their run's range.
CREATE TABLE metrics_pending (
  run_id    INTEGER NOT NULL,
  key_id    INTEGER NOT NULL,
  step      INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  value     REAL,
  is_nan    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX metrics_pending_by_run ON metrics_pending(run_id);
