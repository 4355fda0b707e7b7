// The versioned database schema and its migrations.
#ifndef VIGIL_STORAGE_SCHEMA_HPP
#define VIGIL_STORAGE_SCHEMA_HPP

#include "connection_url.hpp"

#include <soci/soci.h>

#include <string>

namespace vigil::plugins {

// The schema version this build creates and understands.
int latest_schema_version();

// Brings the database to `target` (tests build older versions with it) in
// one transaction that concurrent start-ups on the same database serialize
// on. Throws vigil::Unavailable when the database's schema is newer than
// this build's. The session must not be inside a transaction.
void migrate(soci::session& session, const ConnectionUrl& url, int target = latest_schema_version());

}  // namespace vigil::plugins

#endif  // VIGIL_STORAGE_SCHEMA_HPP
