#include "harness.hpp"

#include "compressed.hpp"

#include <openssl/evp.h>
#include <soci/soci.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vigil::test {

namespace fs = std::filesystem;

std::string sha256_hex(const std::string& bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
    static const char* kHex = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xf];
    }
    return hex;
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string fault_run_at(const std::string& label, const std::string& command) {
    return "VIGIL_FAULT_RUN_AT=" + shell_quote(label) + " VIGIL_FAULT_RUN=" + shell_quote(command);
}

namespace {

void write_bytes(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

// Reports younger than report_settle_seconds are left alone: age them.
void age(const fs::path& path) {
    struct timespec times[2];
    ::clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= 3600;
    times[1] = times[0];
    ::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

soci::session open_session(const std::string& url) {
    const auto sep = url.find("://");
    return soci::session(url.substr(0, sep), url.substr(sep + 3));
}

const char* vigil_bin() {
    const char* bin = std::getenv("VIGIL_BIN");
    if (bin == nullptr) throw std::runtime_error("VIGIL_BIN is not set (run the tests through ctest)");
    return bin;
}

int exit_code_of(int wait_status) {
    return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

}  // namespace

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> list_names(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string gzip_bytes(const std::string& text) { return gzip_member(text); }

Site::Site(const std::string& backend) : backend_(backend) {
    root_ = scratch_.path() / "storage";
    fs::create_directories(root_);
    url_ = fresh_database_url(backend, scratch_.path());
}

Staged Site::stage(const std::string& agent, const std::string& file_name, const std::string& bytes) {
    write_bytes(root_ / agent / "database" / file_name, bytes);
    return Staged{sha256_hex(bytes), static_cast<std::int64_t>(bytes.size())};
}

nlohmann::json Site::report(const std::string& agent, const std::string& end_iso) {
    return nlohmann::json{{"operation_start_time", end_iso},
                          {"operation_end_time", end_iso},
                          {"agent_id", agent},
                          {"overall_status", "completed"},
                          {"databases", nlohmann::json::object()}};
}

nlohmann::json Site::block(const std::string& staged_file_name, const Staged& staged, bool ok) {
    return nlohmann::json{
        {"staged_file_name", staged_file_name},
        {"BACKUP", {{"status", true}}},
        {"COMPRESS", {{"status", true}, {"sha256_checksum", staged.sha256}, {"size", staged.size}}},
        {"TRANSFER", {{"status", ok}, {"error_message", ok ? nlohmann::json(nullptr) : nlohmann::json("timeout")}}},
        {"logs_summary", "test"}};
}

fs::path Site::log_file(const std::string& agent, const std::string& stamp) const {
    return root_ / agent / "log" / (stamp + "_" + agent + ".json");
}

fs::path Site::archive_dir(const std::string& agent) const { return root_ / agent / "log" / "_archive"; }

fs::path Site::drop_raw_report(const std::string& agent, const std::string& stamp, const std::string& bytes) {
    const fs::path path = log_file(agent, stamp);
    write_bytes(path, bytes);
    age(path);
    return path;
}

fs::path Site::drop_report(const std::string& agent, const std::string& stamp, const nlohmann::json& body) {
    return drop_raw_report(agent, stamp, body.dump(2));
}

void Site::configure(const std::vector<JobSpec>& jobs, const std::string& extra) {
    std::ostringstream y;
    y << "storage_root: " << root_.string() << "\n";
    y << "database:\n  url: \"" << url_ << "\"\n";
    y << "jobs:\n";
    if (jobs.empty()) y << "  []\n";
    for (const auto& j : jobs) {
        y << "  - {agent: " << j.agent << ", database: " << j.database;
        if (j.schedule.empty()) y << ", at: \"" << j.at << "\"";
        else y << ", schedule: \"" << j.schedule << "\"";
        if (!j.timezone.empty()) y << ", timezone: " << j.timezone;
        if (j.window_minutes) y << ", window_minutes: " << j.window_minutes;
        if (j.early_minutes >= 0) y << ", early_minutes: " << j.early_minutes;
        if (j.late_minutes >= 0) y << ", late_minutes: " << j.late_minutes;
        y << "}\n";
    }
    y << extra;
    write_bytes(config_file(), y.str());
}

void Site::use_storage_plugin(const std::string& plugin_dir, const std::string& plugin) const {
    std::string config = read_file(config_file());
    const std::string database = "database:\n";
    const std::size_t at = config.find(database);
    if (at == std::string::npos) throw std::runtime_error(config_file().string() + " has no database section");
    config.replace(at, database.size(),
                   "plugins:\n  path: [" + plugin_dir + "]\n" + database + "  plugin: " + plugin + "\n");
    write_bytes(config_file(), config);
}

RunResult Site::vigil(const std::string& args, const std::string& env) const {
    const char* bin = vigil_bin();
    const fs::path out = dir() / "run.out";
    const fs::path err = dir() / "run.err";
    // exec: the shell becomes vigil, so the child's resource usage is vigil's.
    // Through env(1), `env` may hold variable assignments as well as a
    // command to run vigil under (runuser ...).
    const std::string command = "exec env " + env + " " + shell_quote(bin) + " " + args + " >" + shell_quote(out.string()) +
                                " 2>" + shell_quote(err.string()) + " </dev/null";
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    struct rusage usage {};
    while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    RunResult r;
    r.exit_code = exit_code_of(status);
    r.max_rss_kib = usage.ru_maxrss;
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

std::vector<RunResult> Site::scan_concurrently(const std::string& now_iso, int count, int stagger_ms) const {
    const char* bin = vigil_bin();
    const std::string config = config_file().string();
    std::vector<std::pair<fs::path, fs::path>> outputs;
    for (int i = 0; i < count; ++i) {
        const std::string n = std::to_string(i);
        outputs.emplace_back(dir() / ("run." + n + ".out"), dir() / ("run." + n + ".err"));
    }
    // The children block on this pipe until the parent closes its end, so
    // they start together rather than one fork apart.
    int gate[2];
    if (::pipe(gate) != 0) throw std::runtime_error("pipe failed");
    std::vector<pid_t> children;
    for (const auto& [out, err] : outputs) {
        const long delay_us = 1000L * stagger_ms * static_cast<long>(children.size());
        const pid_t pid = ::fork();
        if (pid < 0) {
            // Let the children already forked run rather than wait forever.
            ::close(gate[0]);
            ::close(gate[1]);
            throw std::runtime_error("fork failed");
        }
        if (pid == 0) {
            ::close(gate[1]);
            char byte;
            while (::read(gate[0], &byte, 1) < 0 && errno == EINTR) {
            }
            ::close(gate[0]);
            const timespec delay{delay_us / 1000000, (delay_us % 1000000) * 1000};
            ::nanosleep(&delay, nullptr);
            const int in_fd = ::open("/dev/null", O_RDONLY);
            const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (in_fd < 0 || out_fd < 0 || err_fd < 0) ::_exit(126);
            ::dup2(in_fd, 0);
            ::dup2(out_fd, 1);
            ::dup2(err_fd, 2);
            ::execl(bin, bin, "scan", "--config", config.c_str(), "--now", now_iso.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        children.push_back(pid);
    }
    ::close(gate[0]);
    ::close(gate[1]);
    std::vector<RunResult> results;
    for (std::size_t i = 0; i < children.size(); ++i) {
        int status = 0;
        while (::waitpid(children[i], &status, 0) < 0 && errno == EINTR) {
        }
        RunResult r;
        r.exit_code = exit_code_of(status);
        r.out = read_file(outputs[i].first);
        r.err = read_file(outputs[i].second);
        results.push_back(std::move(r));
    }
    return results;
}

RunResult Site::scan(const std::string& now_iso, const std::string& env) const {
    return vigil("scan --config " + shell_quote(config_file().string()) + " --now " + now_iso, env);
}

void Site::execute(const std::string& sql) const {
    soci::session session = open_session(url_);
    session << sql;
}

std::vector<Row> Site::query(const std::string& sql) const {
    soci::session session = open_session(url_);
    soci::rowset<soci::row> rows = session.prepare << sql;
    std::vector<Row> out;
    for (const soci::row& r : rows) {
        Row row;
        for (std::size_t i = 0; i < r.size(); ++i) {
            const auto& props = r.get_properties(i);
            if (r.get_indicator(i) == soci::i_null) {
                row[props.get_name()] = std::nullopt;
                continue;
            }
            switch (props.get_data_type()) {
                case soci::dt_string: {
                    // PostgreSQL renders timestamptz as text with "+00"; SQLite stores it without.
                    std::string text = r.get<std::string>(i);
                    if (text.size() == 22 && text.compare(19, 3, "+00") == 0) text.resize(19);
                    row[props.get_name()] = text;
                    break;
                }
                case soci::dt_integer: row[props.get_name()] = std::to_string(r.get<int>(i)); break;
                case soci::dt_long_long: row[props.get_name()] = std::to_string(r.get<long long>(i)); break;
                case soci::dt_unsigned_long_long:
                    row[props.get_name()] = std::to_string(r.get<unsigned long long>(i));
                    break;
                case soci::dt_double: {
                    std::ostringstream s;
                    s << r.get<double>(i);
                    row[props.get_name()] = s.str();
                    break;
                }
                case soci::dt_date: {
                    std::tm tm = r.get<std::tm>(i);
                    char buffer[32];
                    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
                    row[props.get_name()] = buffer;
                    break;
                }
                default: row[props.get_name()] = "?"; break;
            }
        }
        out.push_back(std::move(row));
    }
    return out;
}

std::int64_t Site::count(const std::string& sql) const {
    soci::session session = open_session(url_);
    long long n = 0;
    session << sql, soci::into(n);
    return n;
}

std::vector<Row> Site::entries(const std::string& agent, const std::string& database) const {
    return query(
        "SELECT e.status, e.message, e.operation_log_file_name, e.server_calculated_staged_hash, "
        "e.previous_successful_hash_global, e.agent_staged_file_name, "
        "CAST(e.hash_comparison_result AS INTEGER) AS hash_comparison_result, "
        "CAST(e.cycle_expected_at AS TEXT) AS cycle_expected_at "
        "FROM backup_entries e JOIN expected_backup_jobs j ON j.id = e.expected_job_id "
        "WHERE j.agent_id_responsible = '" + agent + "' AND j.database_name = '" + database + "' ORDER BY e.id");
}

Row Site::job(const std::string& agent, const std::string& database) const {
    auto rows = query(
        "SELECT current_status, previous_successful_hash_global, CAST(is_active AS INTEGER) AS is_active, "
        "CAST(last_successful_backup_timestamp AS TEXT) AS last_successful_backup_timestamp "
        "FROM expected_backup_jobs WHERE agent_id_responsible = '" + agent + "' AND database_name = '" + database + "'");
    if (rows.size() != 1) throw std::runtime_error("expected one job " + agent + "/" + database);
    return rows[0];
}

std::string Site::fate(const std::string& file_name) const {
    auto rows = query("SELECT fate FROM processed_reports WHERE file_name = '" + file_name + "' ORDER BY id");
    if (rows.empty()) return "(none)";
    std::string fates;
    for (const auto& r : rows) fates += (fates.empty() ? "" : ",") + r.at("fate").value_or("NULL");
    return fates;
}

std::vector<std::string> Site::dump() const {
    auto columns_of = [&](const std::string& table) {
        const std::string sql =
            backend_ == "postgresql"
                ? "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns WHERE table_schema = "
                  "current_schema() AND table_name = '" + table + "' ORDER BY ordinal_position"
                : "SELECT name FROM pragma_table_info('" + table + "')";
        std::vector<std::string> names;
        for (const Row& row : query(sql)) names.push_back(*row.at("name"));
        if (names.empty()) throw std::runtime_error("dump: no table " + table);
        return names;
    };
    // Every value as the database's own text, so that no type is lost on the
    // way through SOCI; both sides of a comparison use the same backend.
    auto as_text = [](const std::string& alias, const std::string& column) {
        return "CAST(" + alias + ".\"" + column + "\" AS TEXT) AS \"" + column + "\"";
    };
    std::vector<std::string> lines;
    auto add_rows = [&](const std::string& table, const std::string& sql) {
        for (const Row& row : query(sql)) {
            std::string line = table + ":";
            for (const auto& [column, value] : row) line += " " + column + "=" + (value ? "'" + *value + "'" : "NULL");
            lines.push_back(std::move(line));
        }
    };
    for (const char* table : {"expected_backup_jobs", "processed_reports", "vigil_schema_version"}) {
        std::string select;
        for (const std::string& column : columns_of(table)) {
            if (column == "id") continue;
            select += (select.empty() ? "" : ", ") + as_text("t", column);
        }
        add_rows(table, "SELECT " + select + " FROM " + std::string(table) + " t");
    }
    std::string select =
        "j.agent_id_responsible || '/' || j.database_name || ' ' || j.schedule || ' ' || j.timezone AS job";
    for (const std::string& column : columns_of("backup_entries")) {
        if (column == "id" || column == "expected_job_id") continue;
        select += ", " + as_text("e", column);
    }
    add_rows("backup_entries",
             "SELECT " + select + " FROM backup_entries e JOIN expected_backup_jobs j ON j.id = e.expected_job_id");
    std::sort(lines.begin(), lines.end());
    return lines;
}

std::vector<std::string> tree_listing(const fs::path& root) {
    std::vector<std::string> lines;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        const std::string relative = entry.path().lexically_relative(root).string();
        const auto status = entry.symlink_status();
        if (fs::is_directory(status)) {
            lines.push_back(relative + "/");
        } else if (fs::is_regular_file(status)) {
            const std::string bytes = read_file(entry.path());
            lines.push_back(relative + " " + std::to_string(bytes.size()) + " " + sha256_hex(bytes));
        } else {
            lines.push_back(relative + " (not a regular file)");
        }
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

std::string compare_lines(std::vector<std::string> expected, std::vector<std::string> actual) {
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    std::vector<std::string> missing, extra;
    std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(), std::back_inserter(missing));
    std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(), std::back_inserter(extra));
    if (missing.empty() && extra.empty()) return "";
    constexpr std::size_t kShown = 8;
    std::ostringstream out;
    out << missing.size() << " line(s) missing, " << extra.size() << " extra\n";
    for (std::size_t i = 0; i < std::min(kShown, missing.size()); ++i) out << "- " << missing[i] << "\n";
    for (std::size_t i = 0; i < std::min(kShown, extra.size()); ++i) out << "+ " << extra[i] << "\n";
    return out.str();
}

}  // namespace vigil::test
