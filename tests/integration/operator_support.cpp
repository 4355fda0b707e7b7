#include "operator_support.hpp"

#include <vigil/timestamp.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <unistd.h>

namespace vigil::test {

namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

bool is_sqlite(const Site& site) { return site.database_url().rfind("sqlite3://", 0) == 0; }

}  // namespace

RunResult command(const Site& site, const std::string& words, const std::string& env) {
    return site.vigil(words + " --config " + quoted(site.config_file().string()), env);
}

std::vector<std::string> full_dump(const Site& site) {
    const bool sqlite = is_sqlite(site);
    const auto tables = site.query(
        sqlite ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
               : "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables "
                 "WHERE table_schema = current_schema() ORDER BY 1");
    std::vector<std::string> lines;
    for (const Row& table : tables) {
        const std::string name = *table.at("name");
        const auto columns = site.query(
            sqlite ? "SELECT name FROM pragma_table_info('" + name + "')"
                   : "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns WHERE table_schema = "
                     "current_schema() AND table_name = '" + name + "' ORDER BY ordinal_position");
        std::string select;
        for (const Row& column : columns) {
            const std::string c = *column.at("name");
            select += (select.empty() ? "" : ", ") + std::string("CAST(\"") + c + "\" AS TEXT) AS \"" + c + "\"";
        }
        for (const Row& row : site.query("SELECT " + select + " FROM " + name)) {
            std::string line = name + ":";
            for (const auto& [column, value] : row) line += " " + column + "=" + (value ? "'" + *value + "'" : "NULL");
            lines.push_back(std::move(line));
        }
        lines.push_back(name + " (table)");
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

std::vector<std::string> sqlite_files(const Site& site) {
    std::vector<std::string> lines;
    if (!is_sqlite(site)) return lines;
    const fs::path db = site.database_url().substr(std::string("sqlite3://db=").size());
    for (const std::string suffix : {"", "-wal", "-shm"}) {
        const fs::path file = db.string() + suffix;
        if (fs::exists(file)) lines.push_back(file.filename().string() + " " + read_file(file));
    }
    return lines;
}

std::string clock_iso(std::int64_t seconds_ahead) {
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return format_iso(now + seconds_ahead * 1'000'000);
}

void open_to_everyone(const Site& site) {
    fs::permissions(site.dir(), fs::perms::all, fs::perm_options::add);
    for (const auto& entry : fs::recursive_directory_iterator(site.dir())) {
        if (entry.is_symlink()) continue;
        fs::permissions(entry.path(),
                        entry.is_directory() ? fs::perms::all
                                             : fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                                   fs::perms::group_write | fs::perms::others_read |
                                                   fs::perms::others_write,
                        fs::perm_options::add);
    }
}

std::string as_unprivileged() { return ::geteuid() == 0 ? "runuser -u nobody --" : ""; }

}  // namespace vigil::test
