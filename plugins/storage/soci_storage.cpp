#include "soci_storage.hpp"

#include "json_rows.hpp"
#include "schema.hpp"
#include "sql.hpp"
#include "table_rows.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

namespace vigil::plugins {
namespace {

// Key space of the per-agent advisory locks on PostgreSQL ('VIGL').
constexpr const char* kAgentLockClass = "1447642956";
// Where the records go when the `database` section names no url.
constexpr const char* kDefaultUrl = "sqlite3://db=vigil.db";

// Database messages span lines (libpq adds DETAIL/HINT lines); the host
// logs one line per failure.
std::string one_line(const std::string& text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        bool blank = c == '\n' || c == '\r' || c == '\t' || c == ' ';
        if (blank) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

// find_report's question as a SELECT of one row (seen_rows, same_file),
// about the report whose content, agent folder and file name the SQL
// operands give: placeholders, or the columns of a batch's asked row. Per
// agent folder (docs/scan.md): the same bytes in another agent's folder are
// not seen here.
std::string report_seen_select(const std::string& content, const std::string& agent, const std::string& file) {
    return "SELECT COUNT(*) AS seen_rows, MAX(CASE WHEN file_name = " + file +
           " THEN 1 ELSE 0 END) AS same_file FROM processed_reports WHERE agent_id = " + agent +
           " AND content_sha256 = " + content;
}

// Declares report_seen_select's columns, for report_seen to read.
void declare_report_seen(sql::Columns& columns) {
    columns.integer("seen_rows");
    columns.integer("same_file");
}

ReportSeen report_seen(const sql::Columns& columns) {
    ReportSeen seen;
    seen.content_seen = columns.get_integer("seen_rows").value_or(0) > 0;
    seen.same_file = columns.get_integer("same_file").value_or(0) != 0;
    return seen;
}

}  // namespace

void SociStorage::configure(const Config& config) {
    // Without a url, the records are kept next to the configuration.
    const std::string config_dir = config.get<std::string>("vigil_config_dir", "");
    if (!config.get_child_optional("url") && config_dir.empty()) {
        throw InvalidInput("database.url: required setting is missing (and no configuration directory to put "
                           "the default vigil.db in)");
    }
    url_ = parse_connection_url(config.get<std::string>("url", kDefaultUrl), config_dir);
    job_columns_.reset();  // declared for the backend
    entry_columns_.reset();
    dry_run_ = config.get<bool>("vigil_dry_run", false);
    if (dry_run_) {
        open_for_dry_run();
        return;
    }
    open_session(url_.connect_string);
    found_schema_version_ = guarded("schema upgrade", [&] { return migrate(session_, url_); });
}

void SociStorage::open_session(const std::string& connect_string) {
    try {
        session_.open(url_.backend_name, connect_string);
        if (postgres()) {
            session_ << "SET TIME ZONE 'UTC'";
            // libpq prints notices (CREATE ... IF NOT EXISTS skipping) on stderr.
            session_ << "SET client_min_messages TO WARNING";
            // The scan's statements are prepared once and run per agent
            // with keys that index lookups serve alike; planning each run
            // anew for its values (the default for a statement's first
            // runs, and whenever a custom plan looks cheaper) cost more
            // server time than running it. PostgreSQL 12 and later.
            std::string setting;
            soci::indicator set = soci::i_null;
            session_ << "SELECT set_config('plan_cache_mode', 'force_generic_plan', false)"
                        " WHERE current_setting('server_version_num')::integer >= 120000",
                soci::into(setting, set);
        } else {
            // A dry run leaves the file's mode alone (Vigil's files are WAL already).
            if (!dry_run_) use_wal();
            session_ << "PRAGMA synchronous=FULL";
            session_ << "PRAGMA foreign_keys=ON";
        }
    } catch (const soci::soci_error& e) {
        session_.close();
        throw Unavailable("cannot open database " + url_.redacted + ": " + url_.scrub(one_line(e.get_error_message())));
    }
}

// Switching a new file to WAL takes it for a moment, and when another
// connection opening the same file holds it, SQLite answers "database is
// locked" at once instead of waiting out its busy timeout (several scanners
// starting on a new database): the switch is tried again for that long.
void SociStorage::use_wal() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(url_.sqlite_busy_timeout_seconds);
    for (;;) {
        try {
            // The pragma answers with the mode now in force: a row to read.
            std::string mode;
            session_ << "PRAGMA journal_mode=WAL", soci::into(mode);
            return;
        } catch (const soci::soci_error& e) {
            const bool locked = e.get_error_message().find("database is locked") != std::string::npos;
            if (!locked || std::chrono::steady_clock::now() >= deadline) throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

bool SociStorage::connection_lost(const soci::soci_error& error) {
    return error.get_error_category() == soci::soci_error::connection_error || !session_.is_connected();
}

void SociStorage::rethrow(const char* operation, const soci::soci_error& error) {
    if (in_transaction_) transaction_failed_ = true;
    std::string message =
        "database " + url_.redacted + ": " + operation + ": " + url_.scrub(one_line(error.get_error_message()));
    if (connection_lost(error)) throw Unavailable(message);
    throw std::runtime_error(message);
}

void SociStorage::write_batched(const char* operation, const std::function<void()>& batched,
                                const std::function<void()>& row_by_row) {
    // Left in place when the batch passes, until the transaction ends:
    // releasing it would cost a round trip, and the savepoint of a later
    // batch, of the same name, hides it (ROLLBACK TO goes back to the latest).
    guarded(operation, [&] { session_ << "SAVEPOINT vigil_batch"; });
    std::string reason;
    try {
        batched();
        return;
    } catch (const soci::soci_error& e) {
        if (connection_lost(e)) rethrow(operation, e);
        reason = url_.scrub(one_line(e.get_error_message()));
    } catch (const nlohmann::json::exception& e) {
        // A text that is not UTF-8 cannot travel as JSON; the statement of
        // its own row has the database refuse it.
        reason = e.what();
    }
    // PostgreSQL refuses every statement of a transaction after a failed
    // one, up to the rollback to a savepoint taken before it.
    guarded(operation, [&] { session_ << "ROLLBACK TO SAVEPOINT vigil_batch"; });
    row_by_row();
    transaction_failed_ = true;
    throw std::runtime_error("database " + url_.redacted + ": " + operation + ": " + reason);
}

void SociStorage::write_row(vigil_row_kind kind, std::size_t index, const std::function<void()>& write_one) {
    try {
        write_one();
    } catch (const Unavailable&) {
        throw;
    } catch (const std::runtime_error& e) {
        // The rows written before it stay: only a rollback may follow.
        if (in_transaction_) transaction_failed_ = true;
        throw RowRefused(kind, index, e.what());
    }
}

void SociStorage::require_transaction(const char* operation) const {
    if (!in_transaction_) throw std::logic_error(std::string(operation) + " must run between begin and commit");
}

void SociStorage::begin() {
    if (in_transaction_) throw std::logic_error("begin: a transaction is already open");
    guarded("begin", [&] {
        // IMMEDIATE takes SQLite's write lock now, so concurrent scanners
        // queue here rather than fail when a read turns into a write. A dry
        // run is already inside its one transaction: a step is a savepoint.
        session_ << (dry_run_ ? "SAVEPOINT vigil_step" : postgres() ? "BEGIN" : "BEGIN IMMEDIATE");
    });
    in_transaction_ = true;
    transaction_failed_ = false;
}

void SociStorage::commit() {
    require_transaction("commit");
    if (transaction_failed_) {
        throw std::runtime_error("database " + url_.redacted +
                                 ": commit: a statement of this transaction failed; roll it back");
    }
    guarded("commit", [&] { session_ << (dry_run_ ? "RELEASE SAVEPOINT vigil_step" : "COMMIT"); });
    in_transaction_ = false;
}

void SociStorage::rollback() {
    if (!in_transaction_) return;
    in_transaction_ = false;
    transaction_failed_ = false;
    guarded("rollback", [&] {
        if (dry_run_) {
            session_ << "ROLLBACK TO SAVEPOINT vigil_step";
            session_ << "RELEASE SAVEPOINT vigil_step";
            return;
        }
        try {
            session_ << "ROLLBACK";
        } catch (const soci::soci_error& e) {
            // SQLite ends the transaction itself on some errors (a failed
            // COMMIT among them): there is nothing left to roll back.
            if (one_line(e.get_error_message()).find("no transaction is active") == std::string::npos) throw;
        }
    });
}

sql::JsonRows SociStorage::asked_agents(const std::vector<std::string>& agent_ids) {
    sql::JsonRows asked;
    for (const std::string& agent : agent_ids) {
        asked.next_row();
        asked.text("asked_agent", agent);
    }
    return asked;
}

void SociStorage::query_answers(const char* operation, const std::string& sql, sql::Params& params,
                                sql::Columns& columns, std::size_t asked,
                                const std::function<void(std::size_t)>& answer) {
    std::vector<bool> answered(asked, false);
    std::size_t answers = 0, answered_once = 0;
    prepared_.query(sql, params, columns, [&] {
        ++answers;
        const long long at = columns.get_integer("position").value_or(-1);
        if (at < 0 || static_cast<std::size_t>(at) >= asked || answered[static_cast<std::size_t>(at)]) return;
        answered[static_cast<std::size_t>(at)] = true;
        ++answered_once;
        answer(static_cast<std::size_t>(at));
    });
    if (answers != asked || answered_once != asked) {
        throw std::runtime_error("database " + url_.redacted + ": " + operation + ": " + std::to_string(answers) +
                                 " answers for " + std::to_string(asked) + " rows asked, " +
                                 std::to_string(answered_once) + " of them answered");
    }
}

std::vector<bool> SociStorage::claim_agents(const std::vector<std::string>& agent_ids) {
    require_transaction("claim_agents");
    // BEGIN IMMEDIATE already serializes SQLite writers.
    if (!postgres() || agent_ids.empty()) return std::vector<bool>(agent_ids.size(), true);
    return guarded("claim_agents", [&] {
        // The agents as JSON rows, as the other batched calls: one statement
        // whatever the batch's size, each agent tried with its own lock.
        const sql::JsonRows asked = asked_agents(agent_ids);
        sql::Params params(url_.backend);
        const std::string rows = params.text(asked.json());
        sql::Columns columns(url_.backend);
        columns.computed("position", sql::JsonRows::kPosition);
        columns.computed("acquired", std::string("CAST(pg_try_advisory_xact_lock(") + kAgentLockClass +
                                         ", hashtext(asked_agent)) AS INTEGER)");
        std::vector<bool> acquired(agent_ids.size(), false);
        query_answers("claim_agents",
                      "SELECT " + columns.select_list() + " FROM json_to_recordset(CAST(" + rows +
                          " AS json)) AS asked(" + asked.definitions() + ")",
                      params, columns, agent_ids.size(),
                      [&](std::size_t at) { acquired[at] = columns.get_integer("acquired").value_or(0) != 0; });
        return acquired;
    });
}

ReportSeen SociStorage::find_report(const ReportQuery& query) {
    return guarded("find_reports", [&] {
        sql::Params params(url_.backend);
        // Placeholders are made one statement at a time, in the order they
        // appear: the operands of one `+` chain may be evaluated in any order.
        std::string file = params.text(query.file_name);
        std::string agent = params.text(query.agent_id);
        std::string content = params.text(query.content_sha256);
        sql::Columns columns(url_.backend);
        declare_report_seen(columns);
        ReportSeen seen;
        prepared_.query("SELECT " + columns.select_list() + " FROM (" + report_seen_select(content, agent, file) +
                            ") AS found",
                        params, columns, [&] { seen = report_seen(columns); });
        return seen;
    });
}

std::vector<ReportSeen> SociStorage::find_reports(const std::vector<ReportQuery>& queries) {
    if (!postgres()) {
        // SQLite answers in-process: one statement per report costs no round trip.
        std::vector<ReportSeen> seen;
        seen.reserve(queries.size());
        for (const ReportQuery& query : queries) seen.push_back(find_report(query));
        return seen;
    }
    if (queries.empty()) return {};
    return guarded("find_reports", [&] {
        sql::JsonRows asked;
        for (const ReportQuery& query : queries) {
            asked.next_row();
            asked.text("asked_content", query.content_sha256);
            asked.text("asked_agent", query.agent_id);
            asked.text("asked_file", query.file_name);
        }
        sql::Params params(url_.backend);
        const std::string rows = params.text(asked.json());
        sql::Columns columns(url_.backend);
        columns.computed("position", sql::JsonRows::kPosition);
        declare_report_seen(columns);
        std::vector<ReportSeen> seen(queries.size());
        // find_report's statement once per asked row, as a LATERAL subquery
        // through the (agent_id, content_sha256) index. An aggregate is not
        // flattened into a join even without the OFFSET 0 the other batched
        // reads need; it keeps the plan the same should the subquery change.
        query_answers("find_reports",
                      "SELECT " + columns.select_list() + " FROM json_to_recordset(CAST(" + rows +
                          " AS json)) AS asked(" + asked.definitions() + ") CROSS JOIN LATERAL (" +
                          report_seen_select("asked_content", "asked_agent", "asked_file") + " OFFSET 0) AS found",
                      params, columns, queries.size(), [&](std::size_t at) { seen[at] = report_seen(columns); });
        return seen;
    });
}

void report_row(const ReportRecord& record, sql::RowSink& row) {
    row.text("content_sha256", record.content_sha256);
    row.text("agent_id", record.agent_id);
    row.text("file_name", record.file_name);
    row.text("fate", record.fate);
    row.text("reason", record.reason);
    row.text("source", record.source);
    row.time("operation_end_time", record.operation_end_time);
    row.time("scanned_at", record.scanned_at);
}

void SociStorage::record_report(const ReportRecord& record) {
    guarded("write", [&] {
        sql::Params params(url_.backend);
        sql::Assignments row;
        sql::BoundRow bound(params, row);
        report_row(record, bound);
        prepared_.execute("INSERT INTO processed_reports (" + row.columns() + ") VALUES " + row.values() + " " +
                              kReportConflict,
                          params);
    });
}

}  // namespace vigil::plugins
