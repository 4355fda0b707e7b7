// Builds real storage trees in scratch directories, runs the real `vigil`
// binary on them, and reads the resulting database through SOCI.
#ifndef VIGIL_TESTS_INTEGRATION_HARNESS_HPP
#define VIGIL_TESTS_INTEGRATION_HARNESS_HPP

#include "test_db.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigil::test {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
    long max_rss_kib = 0;  // peak resident memory of the vigil process (getrusage)
};

struct Staged {
    std::string sha256;
    std::int64_t size = 0;
};

// A database row as column name -> text ("" for NULL, see is_null).
using Row = std::map<std::string, std::optional<std::string>>;

class Site {
public:
    // A fresh storage root and database of the given backend ("sqlite", "postgresql").
    explicit Site(const std::string& backend);

    const std::filesystem::path& root() const { return root_; }
    const std::filesystem::path& dir() const { return scratch_.path(); }
    const std::string& database_url() const { return url_; }

    // Writes a staged backup under <agent>/database/ and returns its sha256 and size.
    Staged stage(const std::string& agent, const std::string& file_name, const std::string& bytes);

    // A valid report body with one database block per (name, staged file).
    static nlohmann::json report(const std::string& agent, const std::string& end_iso);
    static nlohmann::json block(const std::string& staged_file_name, const Staged& staged, bool ok = true);

    // Writes <agent>/log/<stamp>_<agent>.json, aged past report_settle_seconds.
    std::filesystem::path drop_report(const std::string& agent, const std::string& stamp, const nlohmann::json& body);
    std::filesystem::path drop_raw_report(const std::string& agent, const std::string& stamp, const std::string& bytes);
    std::filesystem::path log_file(const std::string& agent, const std::string& stamp) const;
    std::filesystem::path archive_dir(const std::string& agent) const;

    // Writes vigil.yaml: storage_root, database.url, the jobs, then `extra` YAML.
    struct JobSpec {
        // The fields in order, as brace lists write them; the ones left out
        // keep their defaults (a constructor, where an aggregate would have
        // g++ warn about each field left out).
        JobSpec(std::string agent, std::string database, std::string at, int window_minutes = 0,
                std::string schedule = "", std::string timezone = "", int early_minutes = -1, int late_minutes = -1)
            : agent(std::move(agent)), database(std::move(database)), at(std::move(at)), window_minutes(window_minutes),
              schedule(std::move(schedule)), timezone(std::move(timezone)), early_minutes(early_minutes),
              late_minutes(late_minutes) {}

        std::string agent, database, at;
        int window_minutes;    // 0 = the global default
        std::string schedule;  // written instead of `at` when set
        std::string timezone;  // "" = not written (UTC)
        int early_minutes;     // -1 = not written
        int late_minutes;      // -1 = not written
    };
    void configure(const std::vector<JobSpec>& jobs, const std::string& extra = "");
    // Points the configuration written by configure() at the storage plugin
    // `plugin`, found in `plugin_dir`, on the same database.
    void use_storage_plugin(const std::string& plugin_dir, const std::string& plugin) const;
    std::filesystem::path config_file() const { return dir() / "vigil.yaml"; }

    // Runs `vigil scan --config vigil.yaml --now NOW` (plus extra environment).
    RunResult scan(const std::string& now_iso, const std::string& env = "") const;
    // Runs vigil with arbitrary arguments.
    RunResult vigil(const std::string& args, const std::string& env = "") const;
    // Starts `count` scans at the same instant (all forked first, then
    // released together), scan i delayed by i * stagger_ms, and waits for
    // them all; each has its own output.
    std::vector<RunResult> scan_concurrently(const std::string& now_iso, int count, int stagger_ms = 0) const;

    // Query helpers on the scan's database.
    std::vector<Row> query(const std::string& sql) const;
    // Runs a statement that returns no rows (no ':' in it: SOCI reads that as a placeholder).
    void execute(const std::string& sql) const;
    bool is_postgresql() const { return backend_ == "postgresql"; }
    std::int64_t count(const std::string& sql) const;
    // The entries of a job, oldest first, with the job's identity columns.
    std::vector<Row> entries(const std::string& agent, const std::string& database) const;
    Row job(const std::string& agent, const std::string& database) const;
    std::string fate(const std::string& file_name) const;
    // Every row of expected_backup_jobs, backup_entries, processed_reports and
    // vigil_schema_version as one sorted line each, without surrogate ids (an
    // entry names its job by identity), so that two sites built alike can be
    // compared whatever order their rows were written in.
    std::vector<std::string> dump() const;

private:
    ScratchDir scratch_;
    std::filesystem::path root_;
    std::string backend_;
    std::string url_;
};

std::string read_file(const std::filesystem::path& path);
std::string sha256_hex(const std::string& bytes);
// The text quoted for sh, e.g. to build an environment for Site::scan.
std::string shell_quote(const std::string& text);
// The environment that makes `vigil` run `command` (sh -c) once, the first
// time it reaches the fault point `label` (host/scan/fault.hpp).
std::string fault_run_at(const std::string& label, const std::string& command);
std::vector<std::string> list_names(const std::filesystem::path& dir);
std::string gzip_bytes(const std::string& text);
// Every directory and file under `root`, one sorted line each: the relative
// path, and for a file its size and SHA-256.
std::vector<std::string> tree_listing(const std::filesystem::path& root);
// "" when the two lists hold the same lines (as multisets); otherwise the
// count and the first lines missing from `actual` (-) and extra in it (+).
std::string compare_lines(std::vector<std::string> expected, std::vector<std::string> actual);

}  // namespace vigil::test

#endif
