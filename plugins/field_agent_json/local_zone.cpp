#include "local_zone.hpp"

#include <vigil/plugin.hpp>

#include <date/tz.h>

#include <chrono>
#include <stdexcept>

namespace vigil::plugins {

LocalZone::LocalZone(const std::string& name, const std::string& setting) {
    try {
        zone_ = date::locate_zone(name);
    } catch (const std::runtime_error&) {
        throw InvalidInput("setting `" + setting + "`: \"" + name +
                           "\" is not a time zone of the system's tz database (an IANA name such as "
                           "Africa/Douala or UTC)");
    }
}

std::int64_t LocalZone::to_utc(std::int64_t local_micros) const {
    if (zone_ == nullptr) return local_micros;
    const date::local_time<std::chrono::microseconds> local{std::chrono::microseconds(local_micros)};
    // For a unique time `first` is the only offset; for a skipped one it is
    // the offset before the jump, for a repeated one that of the first
    // occurrence (the earlier, larger offset).
    const date::local_info info = zone_->get_info(local);
    return local_micros - std::chrono::duration_cast<std::chrono::microseconds>(info.first.offset).count();
}

}  // namespace vigil::plugins
