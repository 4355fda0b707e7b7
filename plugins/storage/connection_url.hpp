// The `database.url` setting: which SOCI backend to load and what to hand it.
#ifndef VIGIL_STORAGE_CONNECTION_URL_HPP
#define VIGIL_STORAGE_CONNECTION_URL_HPP

#include <string>

namespace vigil::plugins {

enum class Backend { sqlite3, postgresql };

struct ConnectionUrl {
    Backend backend = Backend::sqlite3;
    // SOCI's backend name, loaded at run time.
    std::string backend_name;
    // Parameters in the backend's native form (SOCI sqlite3 / libpq conninfo).
    std::string connect_string;
    // The URL for messages and logs: any password is replaced by `***`.
    std::string redacted;
};

// Accepts
//   sqlite3://db=FILE[ key=value...]       (SOCI's own parameters)
//   sqlite3:///absolute/path
//   postgresql://host=H port=P dbname=D user=U [password=...]   (libpq conninfo)
//   postgresql://user[:password]@host[:port][,host2[:port2]]/dbname[?key=value&...]
// (`sqlite://` and `postgres://` are accepted as aliases). Adds a 60 s SQLite
// busy timeout and a 10 s PostgreSQL connect timeout unless the URL sets one.
// Throws vigil::InvalidInput naming the `database.url` setting; the message
// never repeats the URL itself, which may hold a password.
ConnectionUrl parse_connection_url(const std::string& url);

}  // namespace vigil::plugins

#endif  // VIGIL_STORAGE_CONNECTION_URL_HPP
