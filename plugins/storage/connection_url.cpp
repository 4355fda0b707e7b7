#include "connection_url.hpp"

#include <vigil/plugin.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <new>
#include <string_view>
#include <utility>

namespace vigil::plugins {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr long kSqliteTimeoutSeconds = 60;
constexpr const char* kPostgresConnectTimeout = "10";
// SOCI hands SQLite the busy timeout in milliseconds as an int.
constexpr long kMaxSqliteTimeoutSeconds = 3600;

[[noreturn]] void invalid(const std::string& why) {
    throw InvalidInput("database.url: " + why);
}

// ---- PostgreSQL: libpq parses, this file only renders ----

struct OptionsFree {
    void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using Options = std::unique_ptr<PQconninfoOption, OptionsFree>;

bool is_secret(const PQconninfoOption& option) {
    return option.dispchar != nullptr && option.dispchar[0] == '*';
}

// libpq's messages quote the text they stumbled on, which may be part of a
// password: every quoted span longer than one character is hidden.
std::string without_quoted_text(std::string_view message) {
    std::string out;
    for (std::size_t i = 0; i < message.size(); ++i) {
        std::size_t close = message[i] == '"' ? message.find('"', i + 1) : std::string_view::npos;
        if (close == std::string_view::npos) {
            out += message[i];
            continue;
        }
        out += close - i <= 2 ? std::string(message.substr(i, close - i + 1)) : "\"***\"";
        i = close;
    }
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    return out;
}

Options parse_with_libpq(const std::string& conninfo) {
    char* error = nullptr;
    Options options(PQconninfoParse(conninfo.c_str(), &error));
    if (!options) {
        if (error == nullptr) throw std::bad_alloc();
        std::string why = without_quoted_text(error);
        PQfreemem(error);
        invalid("libpq cannot read it: " + why);
    }
    return options;
}

// A conninfo value: bare when that reads back the same, else single-quoted
// with quotes and backslashes escaped.
std::string quote_conninfo(const std::string& value) {
    bool plain = !value.empty() && std::none_of(value.begin(), value.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '\\' || c == '=';
    });
    if (plain) return value;
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

std::string render_conninfo(const PQconninfoOption* options, bool redact) {
    std::string out;
    for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
        if (o->val == nullptr) continue;
        if (!out.empty()) out += ' ';
        out += std::string(o->keyword) + '=' + (redact && is_secret(*o) ? "***" : quote_conninfo(o->val));
    }
    return out;
}

// libpq's URI form: the user information ends at the first '@' before any
// '/', and the query starts at the first '?' after it.
struct UriParts {
    std::string_view userinfo;  // without the '@'; empty when absent
    bool has_userinfo = false;
    std::string_view location;  // host, port and database
    std::string_view query;     // without the '?'
    bool has_query = false;
};

UriParts split_uri(std::string_view rest) {
    UriParts parts;
    std::size_t end = rest.find_first_of("@/");
    if (end != std::string_view::npos && rest[end] == '@') {
        parts.userinfo = rest.substr(0, end);
        parts.has_userinfo = true;
        rest.remove_prefix(end + 1);
    }
    std::size_t question = rest.find('?');
    parts.location = rest.substr(0, question);
    if (question != std::string_view::npos) {
        parts.query = rest.substr(question + 1);
        parts.has_query = true;
    }
    return parts;
}

// The URI as written, with the password of its user information and the
// value of every secret query parameter replaced by ***.
std::string redact_uri(std::string_view scheme, const UriParts& uri, const PQconninfoOption* options) {
    std::string out = std::string(scheme) + "://";
    if (uri.has_userinfo) {
        std::size_t colon = uri.userinfo.find(':');
        out += std::string(uri.userinfo.substr(0, colon)) + (colon == std::string_view::npos ? "" : ":***") + "@";
    }
    out += std::string(uri.location);
    if (!uri.has_query) return out;
    out += '?';
    for (std::size_t start = 0;;) {
        std::size_t amp = uri.query.find('&', start);
        std::string_view item = uri.query.substr(start, amp == std::string_view::npos ? amp : amp - start);
        std::size_t eq = item.find('=');
        std::string_view key = item.substr(0, eq);
        // A percent-encoded key could spell a secret's name: its value is hidden too.
        bool hidden = key.find('%') != std::string_view::npos;
        for (const PQconninfoOption* o = options; o->keyword != nullptr && !hidden; ++o) {
            hidden = is_secret(*o) && key == o->keyword;
        }
        out += std::string(key);
        if (eq != std::string_view::npos) out += hidden ? "=***" : "=" + std::string(item.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        out += '&';
        start = amp + 1;
    }
    return out;
}

bool has_value(const PQconninfoOption* options, std::string_view keyword) {
    for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
        if (keyword == o->keyword) return o->val != nullptr;
    }
    return false;
}

// The keyword form starts with `key=` (or is empty); anything else is a URI.
bool is_keyword_form(std::string_view rest) {
    std::size_t i = 0;
    while (i < rest.size() && std::isspace(static_cast<unsigned char>(rest[i]))) ++i;
    std::size_t key_end = i;
    while (key_end < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[key_end])) || rest[key_end] == '_')) {
        ++key_end;
    }
    std::size_t eq = key_end;
    while (eq < rest.size() && std::isspace(static_cast<unsigned char>(rest[eq]))) ++eq;
    return i == rest.size() || (key_end > i && eq < rest.size() && rest[eq] == '=');
}

ConnectionUrl parse_postgres(std::string_view scheme, std::string_view rest) {
    const bool keyword_form = is_keyword_form(rest);
    const UriParts uri = split_uri(rest);
    // libpq reads "postgresql://u:p@ss@h/d" as password "p" on host "ss@h",
    // and "u:pa/ss@h/d" as host "u", port "pa", database "ss@h/d": part of
    // the password would show wherever the host or database is named.
    if (!keyword_form && uri.location.find('@') != std::string_view::npos) {
        invalid("more than one '@' before the query: write '@' and '/' in a user name or password as %40 and %2F");
    }
    // libpq recognises its URI form by a lower-case scheme.
    Options options = parse_with_libpq(keyword_form ? std::string(rest) : "postgresql://" + std::string(rest));

    ConnectionUrl url;
    url.backend = Backend::postgresql;
    url.backend_name = "postgresql";
    for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
        if (is_secret(*o) && o->val != nullptr && *o->val != '\0') url.secrets.emplace_back(o->val);
    }
    url.redacted = keyword_form ? std::string(scheme) + "://" + render_conninfo(options.get(), true)
                                : redact_uri(scheme, uri, options.get());
    // A last guard: a secret libpq found anywhere must not show.
    url.redacted = url.scrub(url.redacted);
    url.connect_string = render_conninfo(options.get(), false);
    if (!has_value(options.get(), "connect_timeout")) {
        url.connect_string += std::string(url.connect_string.empty() ? "" : " ") + "connect_timeout=" +
                              kPostgresConnectTimeout;
    }
    return url;
}

// ---- SQLite: SOCI's sqlite3 parameters ----

// Space-separated key=value, values optionally in double quotes.
Pairs sqlite_parameters(std::string_view s) {
    Pairs pairs;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        if (i == s.size()) break;
        std::size_t eq = s.find('=', i);
        if (eq == std::string_view::npos) invalid("malformed SQLite parameters: expected key=value");
        std::string key(s.substr(i, eq - i));
        i = eq + 1;
        std::size_t end = 0;
        if (i < s.size() && s[i] == '"') {
            end = s.find('"', i + 1);
            if (end == std::string_view::npos) invalid("unterminated quoted SQLite parameter");
            pairs.emplace_back(std::move(key), std::string(s.substr(i + 1, end - i - 1)));
            i = end + 1;
        } else {
            end = std::min(s.find(' ', i), s.size());
            pairs.emplace_back(std::move(key), std::string(s.substr(i, end - i)));
            i = end;
        }
    }
    return pairs;
}

long sqlite_timeout(const std::string& value) {
    long seconds = -1;
    const char* end = value.data() + value.size();
    auto [ptr, error] = std::from_chars(value.data(), end, seconds);
    if (error != std::errc() || ptr != end || seconds < 0 || seconds > kMaxSqliteTimeoutSeconds) {
        invalid("SQLite timeout=\"" + value + "\" is not a whole number of seconds from 0 to " +
                std::to_string(kMaxSqliteTimeoutSeconds));
    }
    return seconds;
}

// A SOCI sqlite3 parameter as key=value, quoted when the value has a space.
std::string sqlite_parameter(const std::string& key, const std::string& value) {
    if (value.find('"') != std::string::npos) invalid("SQLite parameter " + key + " contains a double quote");
    return key + "=" + (value.find(' ') != std::string::npos ? "\"" + value + "\"" : value);
}

// The database file as SQLite is to open it: a relative one is relative
// to base_dir, the configuration's directory, like every other path of it.
std::string sqlite_file(const std::string& file, const std::filesystem::path& base_dir) {
    if (file.empty() || file == ":memory:" || base_dir.empty() || std::filesystem::path(file).is_absolute()) {
        return file;
    }
    return (base_dir / file).lexically_normal().string();
}

ConnectionUrl parse_sqlite(std::string_view rest, const std::filesystem::path& base_dir) {
    std::vector<std::string> parameters;
    bool has_timeout = false;
    long timeout = kSqliteTimeoutSeconds;
    if (!rest.empty() && rest.front() == '/') {
        parameters.push_back(sqlite_parameter("db", std::string(rest)));
    } else if (rest.find('=') != std::string_view::npos) {
        bool has_db = false;
        for (const auto& [key, value] : sqlite_parameters(rest)) {
            const bool is_db = key == "db" || key == "dbname";
            has_db = has_db || is_db;
            if (key == "timeout") {
                timeout = sqlite_timeout(value);
                has_timeout = true;
            }
            parameters.push_back(sqlite_parameter(key, is_db ? sqlite_file(value, base_dir) : value));
        }
        if (!has_db) invalid("SQLite URL has no db=FILE");
    } else {
        invalid("expected sqlite3://db=FILE or sqlite3:///absolute/path");
    }
    std::string connect;
    for (const std::string& p : parameters) connect += (connect.empty() ? "" : " ") + p;
    ConnectionUrl parsed;
    parsed.backend = Backend::sqlite3;
    parsed.backend_name = "sqlite3";
    // A SQLite URL holds no secret: messages show the file as opened.
    parsed.redacted = "sqlite3://" + connect;
    if (!has_timeout) connect += " timeout=" + std::to_string(kSqliteTimeoutSeconds);
    parsed.connect_string = connect;
    parsed.sqlite_busy_timeout_seconds = timeout;
    return parsed;
}

}  // namespace

std::string ConnectionUrl::scrub(std::string text) const {
    for (const std::string& secret : secrets) {
        for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
            text.replace(at, secret.size(), "***");
        }
    }
    // The marker and its neighbours can spell a secret again (a password
    // "*xyz" beside "***xyz"): then nothing of the text is shown.
    for (const std::string& secret : secrets) {
        if (text.find(secret) != std::string::npos) return "***";
    }
    return text;
}

ConnectionUrl parse_connection_url(const std::string& url, const std::filesystem::path& base_dir) {
    std::size_t sep = url.find("://");
    if (url.empty()) invalid("is empty; set it to sqlite3://db=FILE or postgresql://...");
    // libpq and SQLite read C strings: whatever follows a NUL would be unseen, yet shown.
    if (url.find('\0') != std::string::npos) invalid("contains a NUL byte");
    if (sep == std::string::npos) invalid("expected scheme://..., e.g. sqlite3://db=/var/lib/vigil/vigil.db");
    std::string scheme = url.substr(0, sep);
    std::string lower = scheme;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view rest = std::string_view(url).substr(sep + 3);
    if (lower == "sqlite3" || lower == "sqlite") return parse_sqlite(rest, base_dir);
    if (lower == "postgresql" || lower == "postgres") return parse_postgres(scheme, rest);
    // A scheme-like prefix is safe to repeat; anything else may be part of a secret.
    bool printable = !lower.empty() && lower.size() <= 32 && std::all_of(lower.begin(), lower.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '+' || c == '-' || c == '.';
    });
    invalid("unsupported scheme " + (printable ? "'" + scheme + "'" : std::string("in the URL")) +
            " (use sqlite3:// or postgresql://)");
}

}  // namespace vigil::plugins
