// Dry runs and read-only commands: the database as it is, every write
// discarded (see dry_run in plugin.h), and a one-line description of what
// the instance is connected to.
#include "schema.hpp"
#include "soci_storage.hpp"

#include <filesystem>
#include <optional>
#include <unistd.h>

namespace vigil::plugins {
namespace {

// The `db` (or `dbname`) parameter of SOCI's sqlite3 connect string: the
// file a connection would create when missing.
std::optional<std::string> sqlite_file(const std::string& connect_string) {
    std::size_t at = 0;
    while (at < connect_string.size()) {
        while (at < connect_string.size() && connect_string[at] == ' ') ++at;
        const std::size_t eq = connect_string.find('=', at);
        if (eq == std::string::npos) break;
        const std::string key = connect_string.substr(at, eq - at);
        std::string value;
        std::size_t end = eq + 1;
        if (end < connect_string.size() && connect_string[end] == '"') {
            const std::size_t close = connect_string.find('"', end + 1);
            value = connect_string.substr(end + 1, close == std::string::npos ? std::string::npos : close - end - 1);
            end = close == std::string::npos ? connect_string.size() : close + 1;
        } else {
            end = connect_string.find(' ', end);
            if (end == std::string::npos) end = connect_string.size();
            value = connect_string.substr(eq + 1, end - eq - 1);
        }
        if (key == "db" || key == "dbname") return value;
        at = end;
    }
    return std::nullopt;
}

}  // namespace

void SociStorage::open_for_dry_run() {
    std::string connect = url_.connect_string;
    if (!postgres()) {
        const auto file = sqlite_file(connect);
        std::error_code ec;
        if (file && *file != ":memory:" && !std::filesystem::exists(*file, ec)) {
            // What a scan would do, without doing it: it could create the
            // file only in an existing directory it may write to.
            std::filesystem::path dir = std::filesystem::path(*file).parent_path();
            if (dir.empty()) dir = ".";
            if (!std::filesystem::is_directory(dir, ec) || ::access(dir.c_str(), W_OK) != 0) {
                throw Unavailable("cannot open database " + url_.redacted + ": its directory " + dir.string() +
                                  " does not exist or is not writable");
            }
            database_missing_ = true;
            connect = "db=:memory:";
        }
    }
    open_session(connect);
    found_schema_version_ = guarded("dry run", [&] {
        // Deferred on SQLite: reading takes no write lock; the first write does.
        session_ << "BEGIN";
        return migrate_inside(session_, url_);
    });
}

SociStorage::~SociStorage() {
    if (!dry_run_ || session_.get_backend() == nullptr) return;
    try {
        session_ << "ROLLBACK";
    } catch (const soci::soci_error&) {
        // Closing the connection discards the transaction all the same.
    }
}

std::string SociStorage::description() {
    const std::string latest = std::to_string(latest_schema_version());
    if (database_missing_) {
        return url_.redacted + ": does not exist yet; a scan creates it (schema version " + latest + ")";
    }
    const std::string found = "schema version " + std::to_string(found_schema_version_);
    if (found_schema_version_ >= latest_schema_version()) return url_.redacted + ": " + found;
    if (found_schema_version_ == 0) {
        return url_.redacted + (dry_run_ ? ": empty; a scan creates its tables (schema version " + latest + ")"
                                         : ": tables created (schema version " + latest + ")");
    }
    return url_.redacted + ": " + found + (dry_run_ ? "; a scan upgrades it to " : ", upgraded to ") + latest;
}

}  // namespace vigil::plugins
