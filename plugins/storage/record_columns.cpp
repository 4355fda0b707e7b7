#include "record_columns.hpp"

#include <cstring>
#include <string>

namespace vigil::plugins {
namespace {

std::string column_of(const char* field) {
    return std::strcmp(field, "timestamp") == 0 ? std::string("\"timestamp\"") : std::string(field);
}

// Each kind's columns: declare_K declares them, read_K reads them into the
// field (a NULL keeps its default), write_K gives them to a row.

void declare_text(sql::Columns& c, const std::string& name) { c.text(name); }
void declare_integer(sql::Columns& c, const std::string& name) { c.integer(name); }
void declare_boolean(sql::Columns& c, const std::string& name) { c.boolean(name); }
void declare_time(sql::Columns& c, const std::string& name) { c.time(name); }
#define declare_TEXT declare_text
#define declare_OPT_TEXT declare_text
#define declare_ID declare_integer
#define declare_INT64 declare_integer
#define declare_SIZE declare_integer
#define declare_INT declare_integer
#define declare_OPT_INT declare_integer
#define declare_BOOL declare_boolean
#define declare_TRI declare_boolean
#define declare_TIME declare_time

void declare_TIME_US(sql::Columns& c, const std::string& name) {
    c.time(name);
    c.integer(name + "_us");
}

std::string phase_column(const std::string& phase, const char* field) { return "agent_" + phase + "_" + field; }

void declare_PHASE(sql::Columns& c, const std::string& name) {
    c.boolean(phase_column(name, "status"));
    c.time(phase_column(name, "start_time"));
    c.time(phase_column(name, "end_time"));
    c.text(phase_column(name, "sha256_checksum"));
    c.integer(phase_column(name, "size"));
    c.text(phase_column(name, "error_message"));
}

void read_text(const sql::Columns& c, const std::string& name, std::string& to) {
    if (auto v = c.get_text(name)) to = std::move(*v);
}
void read_opt_text(const sql::Columns& c, const std::string& name, std::optional<std::string>& to) {
    to = c.get_text(name);
}
void read_integer(const sql::Columns& c, const std::string& name, std::int64_t& to) {
    if (auto v = c.get_integer(name)) to = *v;
}
void read_int(const sql::Columns& c, const std::string& name, int& to) {
    if (auto v = c.get_integer(name)) to = static_cast<int>(*v);
}
void read_opt_int(const sql::Columns& c, const std::string& name, std::optional<int>& to) {
    to = sql::small_integer(c.get_integer(name));
}
void read_bool(const sql::Columns& c, const std::string& name, bool& to) {
    if (auto v = c.get_integer(name)) to = *v != 0;
}
void read_tri(const sql::Columns& c, const std::string& name, int& to) {
    if (auto v = c.get_integer(name)) to = *v != 0 ? 1 : 0;
}
void read_time(const sql::Columns& c, const std::string& name, std::int64_t& to) {
    if (const std::int64_t t = c.get_time(name); t != kNoTime) to = t;
}
#define read_TEXT read_text
#define read_OPT_TEXT read_opt_text
#define read_ID read_integer
#define read_INT64 read_integer
#define read_SIZE read_integer
#define read_INT read_int
#define read_OPT_INT read_opt_int
#define read_BOOL read_bool
#define read_TRI read_tri
#define read_TIME read_time

void read_TIME_US(const sql::Columns& c, const std::string& name, std::int64_t& to) {
    if (auto us = c.get_integer(name + "_us")) to = *us;
    else read_time(c, name, to);
}

void read_PHASE(const sql::Columns& c, const std::string& name, std::optional<Phase>& to) {
    const std::optional<long long> status = c.get_integer(phase_column(name, "status"));
    if (!status) {
        to.reset();
        return;
    }
    Phase p;
    p.status = *status != 0;
    p.start_time = c.get_time(phase_column(name, "start_time"));
    p.end_time = c.get_time(phase_column(name, "end_time"));
    p.sha256_checksum = c.get_text(phase_column(name, "sha256_checksum"));
    p.size = c.get_integer(phase_column(name, "size")).value_or(kNoSize);
    p.error_message = c.get_text(phase_column(name, "error_message"));
    to = std::move(p);
}

void write_ID(sql::RowSink&, const std::string&, std::int64_t) {}
void write_INT64(sql::RowSink& row, const std::string& name, std::int64_t v) { row.integer(name, v, false); }
void write_SIZE(sql::RowSink& row, const std::string& name, std::int64_t v) { row.integer(name, v, v == kNoSize); }
void write_INT(sql::RowSink& row, const std::string& name, int v) { row.integer(name, v, false); }
void write_OPT_INT(sql::RowSink& row, const std::string& name, const std::optional<int>& v) {
    row.integer(name, v.value_or(0), !v);
}
void write_TEXT(sql::RowSink& row, const std::string& name, const std::string& v) { row.text(name, v); }
void write_OPT_TEXT(sql::RowSink& row, const std::string& name, const std::optional<std::string>& v) {
    row.text(name, v);
}
void write_BOOL(sql::RowSink& row, const std::string& name, bool v) { row.boolean(name, v ? 1 : 0, false); }
void write_TRI(sql::RowSink& row, const std::string& name, int v) { row.boolean(name, v != 0, v < 0); }
void write_TIME(sql::RowSink& row, const std::string& name, std::int64_t v) { row.time(name, v); }
void write_TIME_US(sql::RowSink& row, const std::string& name, std::int64_t v) {
    row.time(name, v);
    row.integer(name + "_us", v, v == kNoTime);
}
void write_PHASE(sql::RowSink& row, const std::string& name, const std::optional<Phase>& phase) {
    // A NULL status marks an entry without this phase (a missing entry).
    row.boolean(phase_column(name, "status"), phase && phase->status, !phase);
    row.time(phase_column(name, "start_time"), phase ? phase->start_time : kNoTime);
    row.time(phase_column(name, "end_time"), phase ? phase->end_time : kNoTime);
    row.text(phase_column(name, "sha256_checksum"), phase ? phase->sha256_checksum : std::nullopt);
    row.integer(phase_column(name, "size"), phase ? phase->size : kNoSize, !phase || phase->size == kNoSize);
    row.text(phase_column(name, "error_message"), phase ? phase->error_message : std::nullopt);
}

#define VIGIL_DECLARE_COLUMN(kind, name, fallback) declare_##kind(columns, column_of(#name));
#define VIGIL_READ_COLUMN(kind, name, fallback) read_##kind(columns, column_of(#name), v.name);
#define VIGIL_WRITE_COLUMN(kind, name, fallback) write_##kind(row, column_of(#name), v.name);

}  // namespace

void declare_job_columns(sql::Columns& columns) { VIGIL_JOB_FIELDS(VIGIL_DECLARE_COLUMN) }

Job read_job(const sql::Columns& columns) {
    Job v;
    VIGIL_JOB_FIELDS(VIGIL_READ_COLUMN)
    return v;
}

void job_row(const Job& v, sql::RowSink& row) { VIGIL_JOB_FIELDS(VIGIL_WRITE_COLUMN) }

void declare_entry_columns(sql::Columns& columns) { VIGIL_ENTRY_FIELDS(VIGIL_DECLARE_COLUMN) }

Entry read_entry(const sql::Columns& columns) {
    Entry v;
    VIGIL_ENTRY_FIELDS(VIGIL_READ_COLUMN)
    return v;
}

void entry_row(const Entry& v, sql::RowSink& row) { VIGIL_ENTRY_FIELDS(VIGIL_WRITE_COLUMN) }

}  // namespace vigil::plugins
