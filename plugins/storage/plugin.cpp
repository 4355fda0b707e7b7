#include "soci_storage.hpp"

VIGIL_PLUGIN("soci", "1.0.0", "jobs, entries and report fates in SQLite or PostgreSQL (SOCI)",
             vigil::plugins::SociStorage)
