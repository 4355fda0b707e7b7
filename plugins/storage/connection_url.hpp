// The `database.url` setting: which SOCI backend to load and what to hand it.
#ifndef VIGIL_STORAGE_CONNECTION_URL_HPP
#define VIGIL_STORAGE_CONNECTION_URL_HPP

#include <filesystem>
#include <string>
#include <vector>

namespace vigil::plugins {

enum class Backend { sqlite3, postgresql };

struct ConnectionUrl {
    Backend backend = Backend::sqlite3;
    // SOCI's backend name, loaded at run time.
    std::string backend_name;
    // Parameters in the backend's native form (SOCI sqlite3 / libpq conninfo).
    std::string connect_string;
    // The URL for messages and logs: every secret replaced by `***`.
    std::string redacted;
    // The values of the secret parameters (password, sslpassword, ...).
    std::vector<std::string> secrets;
    // SQLite: how long a statement waits for a lock another connection holds.
    long sqlite_busy_timeout_seconds = 0;

    // The text with every occurrence of a secret replaced by `***`: for
    // messages that quote what the database server or its driver said.
    std::string scrub(std::string text) const;
};

// Accepts
//   sqlite3://db=FILE[ key=value...]       (SOCI's own parameters)
//   sqlite3:///absolute/path
//   postgresql://KEY=VALUE ...              (libpq's keyword form)
//   postgresql://[user[:password]@][host][:port][,...][/dbname][?key=value&...]  (libpq's URI form)
// (`sqlite://` and `postgres://` are aliases). A relative SQLite file is
// relative to base_dir (the configuration's directory) when it is given.
// libpq itself reads both
// PostgreSQL forms, so every libpq parameter works, and libpq's own table
// says which parameters are secrets. Adds a 60 s SQLite busy timeout and a
// 10 s PostgreSQL connect timeout unless the URL sets one. Throws
// vigil::InvalidInput naming the `database.url` setting; the message never
// repeats text that could be part of a secret.
ConnectionUrl parse_connection_url(const std::string& url, const std::filesystem::path& base_dir = {});

}  // namespace vigil::plugins

#endif  // VIGIL_STORAGE_CONNECTION_URL_HPP
