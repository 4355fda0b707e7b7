// The time zone in which a field agent writes its naive timestamps.
//
// Kept apart from the other sources of the plugin: it is the one file
// compiled against date's time-zone library, with that library's settings.
#ifndef VIGIL_PLUGINS_LOCAL_ZONE_HPP
#define VIGIL_PLUGINS_LOCAL_ZONE_HPP

#include <cstdint>
#include <string>

namespace date {
class time_zone;
}

namespace vigil::plugins {

class LocalZone {
public:
    // UTC, without consulting the time-zone database.
    LocalZone() = default;

    // The IANA zone `name` (Africa/Douala, Europe/Paris, UTC, ...) from the
    // system's tz database; throws vigil::InvalidInput naming the setting
    // `setting` when there is no such zone.
    LocalZone(const std::string& name, const std::string& setting);

    // The UTC instant of a wall-clock time of this zone, both as
    // microseconds since 1970-01-01T00:00:00 (the local one read as if it
    // were UTC). A time skipped when clocks go forward is taken with the
    // offset in force before the jump; a time that happens twice when clocks
    // go back is taken at its first occurrence.
    std::int64_t to_utc(std::int64_t local_micros) const;

private:
    const date::time_zone* zone_ = nullptr;  // nullptr: UTC
};

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_LOCAL_ZONE_HPP
