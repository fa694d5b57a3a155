// Metric history and latest values: logging metric points (LogMetrics and the staging in
// metrics_pending, see 002_pending_metrics.sql) and reading a metric's history.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

constexpr char kInsertMetricSql[] =
    "INSERT INTO metrics (run_id, key_id, step, timestamp, value, is_nan) VALUES ";
constexpr char kInsertPendingSql[] =
    "INSERT INTO metrics_pending (run_id, key_id, step, timestamp, value, is_nan) VALUES ";
// Sorted like metrics_history, and by arrival within ties so that the rowids metrics assigns
// keep the order the points were logged in.
constexpr char kFlushPendingSql[] =
    "INSERT INTO metrics (run_id, key_id, step, timestamp, value, is_nan) "
    "SELECT run_id, key_id, step, timestamp, value, is_nan FROM metrics_pending "
    "ORDER BY run_id, key_id, step, timestamp, rowid";
// History is read from both tables in one read transaction (one snapshot, so a concurrent move
// can neither hide nor repeat a point) and merged here: one UNION ALL ... ORDER BY made SQLite
// sort within (step, timestamp) ties for every row and nearly doubled a 100k-point read. On an
// exact (step, timestamp) tie, points in metrics come first; within each table ties keep
// arrival order (the index's rowid order in metrics, rowid in metrics_pending).
constexpr char kHistorySql[] =
    "SELECT step, timestamp, value, is_nan FROM metrics "
    "WHERE run_id = ? AND key_id = ? ORDER BY step, timestamp";
constexpr char kPendingHistorySql[] =
    "SELECT step, timestamp, value, is_nan FROM metrics_pending "
    "WHERE run_id = ? AND key_id = ? ORDER BY step, timestamp, rowid";

// A key with at least this many points in one batch is written straight into metrics: its
// points fill history leaves together, so the per-commit page write is shared by many points
// and staging them would only copy them twice. Below it (the mlflow.log_metrics() shape, one
// point per key) a page per key per commit is what makes the batch slow.
constexpr size_t kDirectHistoryPoints = 16;
// ...and only batches over at least this many keys are staged at all: a batch over a few keys
// dirties only a few leaves whatever their points, so single log-metric calls and small batches
// keep writing history directly, as before.
constexpr size_t kStageMinKeys = 16;
// Staged points moved into metrics at once. Larger amortises the move over more calls; smaller
// keeps history reads (which scan a run's staged rows) and the occasional move short.
constexpr int64_t kPendingMetricsFlush = 32768;
// Keeps the maximum by (step, timestamp, value), as MLflow's latest_metrics. MLflow stores a NaN
// as value 0 with is_nan set, so a NaN competes as 0 here too; ties keep the older row.
constexpr char kUpsertLatestSql[] =
    "INSERT INTO latest_metrics (run_id, key_id, step, timestamp, value, is_nan) VALUES ";
constexpr char kUpsertLatestSuffix[] =
    " ON CONFLICT (run_id, key_id) DO UPDATE SET "
    "step = excluded.step, timestamp = excluded.timestamp, value = excluded.value, "
    "is_nan = excluded.is_nan WHERE "
    "(excluded.step, excluded.timestamp, coalesce(excluded.value, 0)) > "
    "(latest_metrics.step, latest_metrics.timestamp, coalesce(latest_metrics.value, 0))";

// MLflow clamps infinities to the largest finite double before storing; so do we, so that a
// run's metrics read back the same from both servers.
double ClampInfinity(double value) {
  if (std::isinf(value)) {
    return value > 0 ? std::numeric_limits<double>::max() : std::numeric_limits<double>::lowest();
  }
  return value;
}

// Distinct keys of (key_id, index) pairs sorted by key_id.
size_t CountKeys(std::span<const std::pair<int64_t, size_t>> sorted) {
  size_t keys = 0;
  for (size_t entry = 0; entry < sorted.size(); ++entry) {
    keys += entry == 0 || sorted[entry].first != sorted[entry - 1].first ? size_t{1} : size_t{0};
  }
  return keys;
}

auto SortKey(const model::Metric& metric) {
  const double value = std::isnan(metric.value) ? 0.0 : ClampInfinity(metric.value);
  return std::make_tuple(metric.step, metric.timestamp, value);
}

// Binds parameters base+1..base+6 of a metrics/latest_metrics insert.
void BindMetric(Statement& stmt, int64_t run, int64_t key_id, const model::Metric& metric,
                int base = 0) {
  stmt.Bind(base + 1, run).Bind(base + 2, key_id).Bind(base + 3, metric.step);
  stmt.Bind(base + 4, metric.timestamp);
  if (std::isnan(metric.value)) {
    stmt.BindNull(base + 5).Bind(base + 6, int64_t{1});
  } else {
    stmt.Bind(base + 5, ClampInfinity(metric.value)).Bind(base + 6, int64_t{0});
  }
}

// The SQL of one metric-row statement, for one row and for MetricRowWriter::kRows rows:
// `prefix` + "(?, ?, ?, ?, ?, ?)" [+ ", (...)" ...] + `suffix`.
struct MetricRowSql {
  MetricRowSql(std::string_view prefix, std::string_view suffix);
  std::string one;
  std::string many;
};

// Writes metric rows kRows at a time with one multi-row statement: a statement step per row
// costs more than the row itself (cursor opening, rowid lookup, reset), so this roughly halves
// the per-point cost of a batch. A remainder goes through the one-row statement. REQUIRES (for
// upserts): no two rows of a batch conflict with each other.
class MetricRowWriter {
 public:
  static constexpr int kRows = 32;

  static Result<MetricRowWriter> Open(Database& db, const MetricRowSql& sql) {
    ASSIGN_OR_RETURN(auto one, db.Cached(sql.one));
    ASSIGN_OR_RETURN(auto many, db.Cached(sql.many));
    return MetricRowWriter(std::move(one), std::move(many));
  }

  Status Add(int64_t run, int64_t key_id, const model::Metric& metric) {
    BindMetric(*many_, run, key_id, metric, 6 * held_);
    held_rows_[static_cast<size_t>(held_)] = {key_id, &metric};
    if (++held_ < kRows) {
      return Status::Ok();
    }
    held_ = 0;
    Status status = many_->Run();
    many_->Reset();
    return status;
  }

  // Writes the rows still held; call once after the last Add().
  Status Finish(int64_t run) {
    for (int row = 0; row < held_; ++row) {
      const auto& [key_id, metric] = held_rows_[static_cast<size_t>(row)];
      BindMetric(*one_, run, key_id, *metric);
      RETURN_IF_ERROR(one_->Run());
      one_->Reset();
    }
    held_ = 0;
    return Status::Ok();
  }

 private:
  MetricRowWriter(ScopedStatement one, ScopedStatement many)
      : one_(std::move(one)), many_(std::move(many)) {}

  ScopedStatement one_;
  ScopedStatement many_;
  int held_ = 0;  // rows bound into many_ and not yet written
  std::array<std::pair<int64_t, const model::Metric*>, kRows> held_rows_{};
};

MetricRowSql::MetricRowSql(std::string_view prefix, std::string_view suffix)
    : one(std::string(prefix) + "(?, ?, ?, ?, ?, ?)" + std::string(suffix)), many(prefix) {
  for (int row = 0; row < MetricRowWriter::kRows; ++row) {
    many += row == 0 ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)";
  }
  many += suffix;
}

Result<std::optional<int64_t>> KeyIdForRead(Database& db, std::string_view key) {
  ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT key_id FROM metric_keys WHERE key = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->BindStatic(1, key).Step());
  if (!row) {
    return std::optional<int64_t>();
  }
  return std::optional<int64_t>(stmt->ColumnInt(0));
}

// Ends the read transaction of a history read on every path, so the reader connection never
// stays pinned to an old snapshot (which would also stop WAL checkpoints).
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db) : db_(db) {}
  ~ReadTransaction() { (void)db_.Exec("COMMIT"); }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Database& db_;
};

// Appends the rows of a (step, timestamp, value, is_nan) query, sorted by (step, timestamp), to
// `out`, merging in the sorted `staged` points: a staged point goes after the rows it ties with.
Status ReadHistoryRows(Statement& stmt, std::string_view key, std::vector<model::Metric>& out,
                       std::span<const model::Metric> staged) {
  size_t next_staged = 0;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    const auto position = std::make_pair(row ? stmt.ColumnInt(0) : 0, row ? stmt.ColumnInt(1) : 0);
    while (next_staged < staged.size() &&
           (!row ||
            std::make_pair(staged[next_staged].step, staged[next_staged].timestamp) < position)) {
      out.push_back(staged[next_staged++]);
    }
    if (!row) {
      return Status::Ok();
    }
    const double value =
        stmt.ColumnInt(3) != 0 ? std::numeric_limits<double>::quiet_NaN() : stmt.ColumnDouble(2);
    out.push_back({.key = std::string(key),
                   .value = value,
                   .timestamp = position.second,
                   .step = position.first});
  }
}

}  // namespace

// The hot path: cached multi-row statements (MetricRowWriter), no per-row allocation. Points are
// grouped by key first: in a batch over many keys, a key with few points
// is staged in metrics_pending (see 002_pending_metrics.sql); other points go straight into
// metrics. latest_metrics gets one upsert per distinct key of the batch.
Status SqliteStore::LogMetrics(Database& db, int64_t run, std::span<const model::Metric> metrics) {
  latest_scratch_.clear();
  for (size_t metric_idx = 0; metric_idx < metrics.size(); ++metric_idx) {
    ASSIGN_OR_RETURN(int64_t key_id, metric_keys_.Intern(db, metrics[metric_idx].key));
    latest_scratch_.emplace_back(key_id, metric_idx);
  }
  // Sorting by (key_id, index) keeps each key's points in arrival order, so ties on
  // (step, timestamp) still read back in the order they were logged.
  std::sort(latest_scratch_.begin(), latest_scratch_.end());
  static const MetricRowSql kDirect(kInsertMetricSql, "");
  static const MetricRowSql kPending(kInsertPendingSql, "");
  static const MetricRowSql kLatest(kUpsertLatestSql, kUpsertLatestSuffix);
  ASSIGN_OR_RETURN(auto direct, MetricRowWriter::Open(db, kDirect));
  ASSIGN_OR_RETURN(auto pending, MetricRowWriter::Open(db, kPending));
  ASSIGN_OR_RETURN(auto latest, MetricRowWriter::Open(db, kLatest));
  const bool spread = CountKeys(latest_scratch_) >= kStageMinKeys;
  int64_t staged = 0;
  for (size_t group = 0; group < latest_scratch_.size();) {
    const int64_t key_id = latest_scratch_[group].first;
    size_t next = group + 1;
    while (next < latest_scratch_.size() && latest_scratch_[next].first == key_id) {
      ++next;
    }
    const bool stage = spread && next - group < kDirectHistoryPoints;
    const model::Metric* best = &metrics[latest_scratch_[group].second];
    for (size_t entry = group; entry < next; ++entry) {
      const model::Metric& metric = metrics[latest_scratch_[entry].second];
      best = SortKey(metric) > SortKey(*best) ? &metric : best;
      RETURN_IF_ERROR((stage ? pending : direct).Add(run, key_id, metric));
    }
    staged += stage ? static_cast<int64_t>(next - group) : 0;
    RETURN_IF_ERROR(latest.Add(run, key_id, *best));
    group = next;
  }
  RETURN_IF_ERROR(direct.Finish(run));
  RETURN_IF_ERROR(pending.Finish(run));
  RETURN_IF_ERROR(latest.Finish(run));
  return staged > 0 ? NotePendingMetrics(db, staged) : Status::Ok();
}

// Moves the staged points into metrics once enough have gathered: sorted, so each history leaf
// is written once for the whole move. Runs inside the current write's transaction, so a crash
// or a rollback never leaves a point in both tables or in neither.
Status SqliteStore::NotePendingMetrics(Database& db, int64_t added) {
  if (pending_metrics_.has_value()) {
    *pending_metrics_ += added;
  } else {
    ASSIGN_OR_RETURN(auto count, db.Cached("SELECT count(*) FROM metrics_pending"));
    ASSIGN_OR_RETURN(bool row, count->Step());
    pending_metrics_ = row ? count->ColumnInt(0) : added;
  }
  if (*pending_metrics_ < kPendingMetricsFlush) {
    return Status::Ok();
  }
  return MovePendingMetrics(db);
}

Status SqliteStore::MovePendingMetrics(Database& db) {
  ASSIGN_OR_RETURN(auto move, db.Cached(kFlushPendingSql));
  RETURN_IF_ERROR(move->Run());
  // No WHERE: SQLite's truncate optimisation empties the table and its index page by page.
  ASSIGN_OR_RETURN(auto clear, db.Cached("DELETE FROM metrics_pending"));
  RETURN_IF_ERROR(clear->Run());
  pending_metrics_ = 0;
  return Status::Ok();
}

Result<std::vector<model::Metric>> SqliteStore::GetMetricHistory(std::string_view run_id,
                                                                 std::string_view key) {
  std::vector<model::Metric> history;
  ReaderPool::Lease reader = readers_->Acquire();
  Database& db = reader.db();
  Result<RunRow> run = FindRun(db, run_id);
  if (!run.ok()) {
    if (run.status().code() == Code::kNotFound) {
      return history;
    }
    return run.status();
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> key_id, KeyIdForRead(db, key));
  if (!key_id) {
    return history;
  }
  ASSIGN_OR_RETURN(auto begin, db.Cached("BEGIN"));
  RETURN_IF_ERROR(begin->Run());
  ReadTransaction snapshot(db);
  std::vector<model::Metric> staged;
  ASSIGN_OR_RETURN(auto pending, db.Cached(kPendingHistorySql));
  RETURN_IF_ERROR(
      ReadHistoryRows(pending->Bind(1, run->internal_id).Bind(2, *key_id), key, staged, {}));
  ASSIGN_OR_RETURN(auto stmt, db.Cached(kHistorySql));
  RETURN_IF_ERROR(
      ReadHistoryRows(stmt->Bind(1, run->internal_id).Bind(2, *key_id), key, history, staged));
  return history;
}

}  // namespace bucketflow::store
