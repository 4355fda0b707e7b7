#include "zones.hpp"

#include <date/tz.h>

namespace vigil::host {

Status find_zone(const std::string& name, Zone* out) {
    if (name == "UTC") {
        *out = Zone();
        return Status::ok();
    }
    try {
        const date::time_zone* tz = date::locate_zone(name);
        // The system database loads a zone's transitions on first use: do it here.
        tz->get_info(date::sys_seconds{});
        *out = Zone(tz);
        return Status::ok();
    } catch (const std::exception& e) {
        return Status::error(Status::Code::kConfig,
                             "\"" + name + "\" is not a time zone of the system's tz database (" + e.what() +
                                 "); use an IANA name such as Europe/Paris or UTC");
    }
}

}  // namespace vigil::host
