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
// this build's. The session must not be inside a transaction. Returns the
// version found (0 for a new database).
int migrate(soci::session& session, const ConnectionUrl& url, int target = latest_schema_version());

// The same, up to latest_schema_version(), inside a transaction the caller
// opened and will roll back (a dry run): nothing is written when the schema
// is current, and the schema lock is taken only to upgrade. Returns the
// version found.
int migrate_inside(soci::session& session, const ConnectionUrl& url);

}  // namespace vigil::plugins

#endif  // VIGIL_STORAGE_SCHEMA_HPP
