#include "connection_url.hpp"

#include <vigil/plugin.hpp>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::plugins {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kSqliteTimeout = "timeout=60";
constexpr const char* kPostgresConnectTimeout = "10";

[[noreturn]] void invalid(const std::string& why) {
    throw InvalidInput("database.url: " + why);
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

bool has_key(const Pairs& pairs, std::string_view key) {
    return std::any_of(pairs.begin(), pairs.end(), [&](const auto& p) { return p.first == key; });
}

// libpq conninfo: `key = value` pairs, values optionally single-quoted, with
// backslash escaping a quote or a backslash.
Pairs parse_conninfo(std::string_view s) {
    Pairs out;
    std::size_t i = 0;
    auto skip_spaces = [&] {
        while (i < s.size() && is_space(s[i])) ++i;
    };
    for (;;) {
        skip_spaces();
        if (i == s.size()) return out;
        std::size_t start = i;
        while (i < s.size() && s[i] != '=' && !is_space(s[i])) ++i;
        std::string key(s.substr(start, i - start));
        skip_spaces();
        if (key.empty() || i == s.size() || s[i] != '=') {
            invalid("malformed PostgreSQL parameters: expected key=value");
        }
        ++i;
        skip_spaces();
        std::string value;
        if (i < s.size() && s[i] == '\'') {
            ++i;
            for (;;) {
                if (i == s.size()) invalid("unterminated quoted value in PostgreSQL parameters");
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                else if (s[i] == '\'') break;
                value += s[i++];
            }
            ++i;
        } else {
            while (i < s.size() && !is_space(s[i])) {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                value += s[i++];
            }
        }
        out.emplace_back(std::move(key), std::move(value));
    }
}

std::string quote_conninfo(const std::string& value) {
    bool plain = !value.empty() && std::none_of(value.begin(), value.end(), [](char c) {
        return is_space(c) || c == '\'' || c == '\\';
    });
    if (plain) return value;
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

std::string render_conninfo(const Pairs& pairs, bool redact) {
    std::string out;
    for (const auto& [key, value] : pairs) {
        if (!out.empty()) out += ' ';
        out += key + '=' + (redact && key == "password" ? "***" : quote_conninfo(value));
    }
    return out;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s, const char* what) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
        int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
        if (hi < 0 || lo < 0) invalid(std::string("bad percent-encoding in the ") + what);
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    for (;;) {
        std::size_t at = s.find(sep);
        parts.push_back(s.substr(0, at));
        if (at == std::string_view::npos) return parts;
        s.remove_prefix(at + 1);
    }
}

// postgresql://user[:password]@host[:port][,host2[:port2]]/dbname[?key=value&...],
// as libpq reads it, translated to conninfo pairs.
ConnectionUrl parse_postgres_uri(std::string_view scheme, std::string_view rest) {
    std::size_t question = rest.find('?');
    std::string_view main = rest.substr(0, question);
    std::string_view query =
        question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);

    Pairs pairs;
    std::string redacted = std::string(scheme) + "://";

    std::size_t at = main.rfind('@');
    if (at != std::string_view::npos) {
        std::string_view userinfo = main.substr(0, at);
        std::size_t colon = userinfo.find(':');
        std::string_view user = userinfo.substr(0, colon);
        if (!user.empty()) pairs.emplace_back("user", percent_decode(user, "user name"));
        redacted += std::string(user);
        if (colon != std::string_view::npos) {
            pairs.emplace_back("password", percent_decode(userinfo.substr(colon + 1), "password"));
            redacted += ":***";
        }
        redacted += '@';
        main.remove_prefix(at + 1);
    }

    std::size_t slash = main.find('/');
    std::string_view host_list = main.substr(0, slash);
    std::vector<std::string> hosts, ports;
    bool any_port = false;
    if (!host_list.empty()) {
        for (std::string_view item : split(host_list, ',')) {
            std::string_view host = item, port;
            if (!item.empty() && item.front() == '[') {
                std::size_t close = item.find(']');
                if (close == std::string_view::npos) invalid("unterminated [IPv6] host");
                host = item.substr(1, close - 1);
                std::string_view after = item.substr(close + 1);
                if (!after.empty() && after.front() != ':') invalid("unexpected text after [IPv6] host");
                if (!after.empty()) port = after.substr(1);
            } else if (std::size_t colon = item.rfind(':'); colon != std::string_view::npos) {
                host = item.substr(0, colon);
                port = item.substr(colon + 1);
            }
            if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                invalid("port is not a number");
            }
            any_port = any_port || !port.empty();
            hosts.push_back(percent_decode(host, "host"));
            ports.emplace_back(port);
        }
    }
    auto join = [](const std::vector<std::string>& v) {
        std::string out;
        for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
        return out;
    };
    if (!hosts.empty()) pairs.emplace_back("host", join(hosts));
    if (any_port) pairs.emplace_back("port", join(ports));
    redacted += std::string(host_list);

    if (slash != std::string_view::npos) {
        std::string_view dbname = main.substr(slash + 1);
        if (!dbname.empty()) pairs.emplace_back("dbname", percent_decode(dbname, "database name"));
        redacted += '/' + std::string(dbname);
    }

    if (question != std::string_view::npos) {
        redacted += '?';
        bool first = true;
        for (std::string_view item : split(query, '&')) {
            if (item.empty()) continue;
            std::size_t eq = item.find('=');
            if (eq == std::string_view::npos || eq == 0) invalid("query parameters must be key=value");
            std::string key = percent_decode(item.substr(0, eq), "query parameter name");
            pairs.emplace_back(key, percent_decode(item.substr(eq + 1), "query parameter value"));
            redacted += (first ? "" : "&") +
                        (key == "password" ? std::string(item.substr(0, eq)) + "=***" : std::string(item));
            first = false;
        }
    }

    if (!has_key(pairs, "connect_timeout")) pairs.emplace_back("connect_timeout", kPostgresConnectTimeout);
    return ConnectionUrl{Backend::postgresql, "postgresql", render_conninfo(pairs, false), redacted};
}

ConnectionUrl parse_postgres(std::string_view scheme, std::string_view rest) {
    std::size_t i = 0;
    while (i < rest.size() && is_space(rest[i])) ++i;
    std::size_t key_end = i;
    while (key_end < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[key_end])) || rest[key_end] == '_')) {
        ++key_end;
    }
    std::size_t eq = key_end;
    while (eq < rest.size() && is_space(rest[eq])) ++eq;
    bool conninfo = i == rest.size() || (key_end > i && eq < rest.size() && rest[eq] == '=');
    if (!conninfo) return parse_postgres_uri(scheme, rest);

    Pairs pairs = parse_conninfo(rest);
    std::string redacted = std::string(scheme) + "://" + render_conninfo(pairs, true);
    if (!has_key(pairs, "connect_timeout")) pairs.emplace_back("connect_timeout", kPostgresConnectTimeout);
    return ConnectionUrl{Backend::postgresql, "postgresql", render_conninfo(pairs, false), redacted};
}

// SOCI's sqlite3 parameters: space-separated key=value, values optionally in
// double quotes; only the keys are needed here.
std::vector<std::string> sqlite_keys(std::string_view s) {
    std::vector<std::string> keys;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        if (i == s.size()) break;
        std::size_t eq = s.find('=', i);
        if (eq == std::string_view::npos) invalid("malformed SQLite parameters: expected key=value");
        keys.emplace_back(s.substr(i, eq - i));
        i = eq + 1;
        if (i < s.size() && s[i] == '"') {
            std::size_t close = s.find('"', i + 1);
            if (close == std::string_view::npos) invalid("unterminated quoted SQLite parameter");
            i = close + 1;
        } else {
            while (i < s.size() && s[i] != ' ') ++i;
        }
    }
    return keys;
}

ConnectionUrl parse_sqlite(const std::string& url, std::string_view rest) {
    std::string connect;
    bool has_timeout = false;
    if (!rest.empty() && rest.front() == '/') {
        if (rest.find('"') != std::string_view::npos) invalid("SQLite path contains a double quote");
        bool spaced = rest.find(' ') != std::string_view::npos;
        connect = spaced ? "db=\"" + std::string(rest) + "\"" : "db=" + std::string(rest);
    } else if (rest.find('=') != std::string_view::npos) {
        std::vector<std::string> keys = sqlite_keys(rest);
        auto has = [&](const char* k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
        if (!has("db") && !has("dbname")) invalid("SQLite URL has no db=FILE");
        connect = std::string(rest);
        has_timeout = has("timeout");
    } else {
        invalid("expected sqlite3://db=FILE or sqlite3:///absolute/path");
    }
    if (!has_timeout) connect += std::string(" ") + kSqliteTimeout;
    return ConnectionUrl{Backend::sqlite3, "sqlite3", connect, url};
}

}  // namespace

ConnectionUrl parse_connection_url(const std::string& url) {
    std::size_t sep = url.find("://");
    if (url.empty()) invalid("is empty; set it to sqlite3://db=FILE or postgresql://...");
    if (sep == std::string::npos) invalid("expected scheme://..., e.g. sqlite3://db=/var/lib/vigil/vigil.db");
    std::string scheme = url.substr(0, sep);
    std::string lower = scheme;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view rest = std::string_view(url).substr(sep + 3);
    if (lower == "sqlite3" || lower == "sqlite") return parse_sqlite(url, rest);
    if (lower == "postgresql" || lower == "postgres") return parse_postgres(scheme, rest);
    // A scheme-like prefix is safe to repeat; anything else may be part of a secret.
    bool printable = !lower.empty() && std::all_of(lower.begin(), lower.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '+' || c == '-' || c == '.';
    });
    invalid("unsupported scheme " + (printable ? "'" + scheme + "'" : std::string("in the URL")) +
            " (use sqlite3:// or postgresql://)");
}

}  // namespace vigil::plugins
