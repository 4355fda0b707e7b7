// Time zones from the system's tz database, found by IANA name.
#ifndef VIGIL_HOST_ZONES_HPP
#define VIGIL_HOST_ZONES_HPP

#include "status.hpp"
#include "zone.hpp"

#include <string>

namespace vigil::host {

// The zone named `name` ("UTC", "Europe/Paris", ...), with its data loaded
// so that the rules reading it never touch a file. kConfig naming the zone
// when the tz database has no such zone (or cannot be read).
Status find_zone(const std::string& name, Zone* out);

}  // namespace vigil::host

#endif
