// What the tests of the operator's side share: running a command against a
// site's configuration, and snapshots of its database and tree to prove a
// command changed nothing.
#ifndef VIGIL_TESTS_INTEGRATION_OPERATOR_SUPPORT_HPP
#define VIGIL_TESTS_INTEGRATION_OPERATOR_SUPPORT_HPP

#include "harness.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::test {

// Runs `vigil <words> --config <the site's vigil.yaml>`.
RunResult command(const Site& site, const std::string& words, const std::string& env = "");

// Every row of every table of the site's database, ids included, each
// value as the database's own text; one sorted line per row.
std::vector<std::string> full_dump(const Site& site);

// The SQLite database's files (the database, its -wal and -shm) with their
// bytes, one line each; empty for PostgreSQL.
std::vector<std::string> sqlite_files(const Site& site);

// The clock, as an ISO-8601 text `seconds_ahead` from now.
std::string clock_iso(std::int64_t seconds_ahead = 0);

// Opens the site to every user (for a scan run as another user): its
// directories become a+rwx, its files a+rw.
void open_to_everyone(const Site& site);

// Runs the rest of a command as an unprivileged user when the tests run as
// root ("runuser -u nobody --"), or "" when they do not: root ignores file
// permissions, so a permission test needs someone it applies to.
std::string as_unprivileged();

}  // namespace vigil::test

#endif
