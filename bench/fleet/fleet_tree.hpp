// Synthetic fleets for the fleet benchmark: a storage root of agent folders
// whose reports are all valid, in their job's window and settled, whose
// staged files match their reports, and the configuration that watches them.
//
// A tree directory holds
//   storage/<AGENT_ID>/log/YYYYMMDD_HHMMSS_<AGENT_ID>.json   the reports
//   storage/<AGENT_ID>/database/<db>_<YYYYMMDD>.<ext>        the staged files
//   staged.list    every staged file, relative to the tree directory, one a line
//   tree.json      the parameters and what was written (counts, bytes, --now)
//   vigil.yaml     a configuration on SQLite (vigil.db in the tree directory)
#ifndef VIGIL_BENCH_FLEET_FLEET_TREE_HPP
#define VIGIL_BENCH_FLEET_FLEET_TREE_HPP

#include <cstdint>
#include <filesystem>
#include <string>

namespace vigil::bench {

enum class Content {
    kRandom,  // random bytes, different for every (agent, database)
    kSqlGz,   // one gzip SQL dump, copied for every staged file
};

// What to generate. Every agent has `databases` jobs (`db1`, `db2`, ...), all
// expected daily at `at`, and drops `reports` reports, one per day on the
// `reports` days up to `now`, each naming one staged file per database.
struct TreeSpec {
    int agents = 0;
    int databases = 3;
    int reports = 1;
    std::uint64_t size = 2048;  // staged file size; for kSqlGz the dump's approximate size
    Content content = Content::kRandom;
    std::string dump_file;  // kSqlGz: use this .sql.gz instead of generating one
    bool gzip_check = false;  // configure the gzip integrity check besides sha256
    std::int64_t now = 0;     // microseconds since the epoch: the --now to scan at
};

// What write_tree wrote.
struct TreeTotals {
    std::int64_t jobs = 0;
    std::int64_t reports = 0;
    std::int64_t staged_files = 0;
    std::int64_t staged_bytes = 0;
};

// Writes the tree of `spec` into `dir`, which must not exist yet, on
// `threads` threads (the same bytes for any number). Report and staged-file
// mtimes are set an hour before the real clock, so every report is settled.
// Throws std::runtime_error naming the file at fault.
TreeTotals write_tree(const TreeSpec& spec, const std::filesystem::path& dir, int threads);

// Reads back the parameters of a tree written by write_tree.
TreeSpec read_tree_spec(const std::filesystem::path& dir);

// Writes the configuration watching the tree in `dir`: its storage root, one
// `at` job per (agent, database), the checks, and `database.url` = `url`.
void write_config(const TreeSpec& spec, const std::filesystem::path& dir, const std::string& url,
                  const std::filesystem::path& config_file);

// Undoes a scan's archiving: moves every report in storage/*/log/_archive/
// back into its log/ folder and removes the emptied _archive folders, so the
// tree can be scanned again. Refuses (throws) when a name is already taken.
// Returns the number of reports moved.
std::int64_t restore_reports(const std::filesystem::path& dir);

}  // namespace vigil::bench

#endif
