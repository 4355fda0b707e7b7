// A time zone as the rules read it: UTC offsets and the local-time rules of
// docs/scan.md. The zone itself comes from the system's tz database through
// Howard Hinnant's date/tz.h; finding it (and loading its data) is the
// config layer's job (find_zone), so that nothing here does I/O.
#ifndef VIGIL_HOST_ZONE_HPP
#define VIGIL_HOST_ZONE_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace date {
class time_zone;
}

namespace vigil::host {

// Local wall times are microseconds since 1970-01-01T00:00:00 on the
// zone's clock, as UTC instants are on UTC's.
class Zone {
public:
    // UTC.
    Zone() = default;
    // A zone of the tz database, already loaded; nullptr means UTC.
    explicit Zone(const date::time_zone* tz) : tz_(tz) {}

    bool is_utc() const { return tz_ == nullptr; }
    // The IANA name ("UTC" for UTC).
    std::string name() const;

    // The UTC offset in force at a UTC instant.
    std::int64_t offset_at(std::int64_t utc) const;
    std::int64_t to_local(std::int64_t utc) const { return utc + offset_at(utc); }

    // The wall time at a UTC instant, for people: "Tue 2026-11-24 02:30 CET".
    std::string wall_time_text(std::int64_t utc) const;

    // The instant of a local wall time: a time that happens once is that
    // instant; one that happens twice (clocks going back) counts at its
    // first occurrence; one that does not exist (clocks going forward) is
    // taken with the offset in force before the jump.
    std::int64_t to_utc(std::int64_t local) const;

    // When one offset holds for the whole local interval [from, to), so
    // that to_utc is local - offset there: that offset; else nothing.
    bool fixed_offset(std::int64_t local_from, std::int64_t local_to, std::int64_t* offset) const;

    // A change of the UTC offset: at instant `at`, before -> after.
    struct Change {
        std::int64_t at;
        std::int64_t before;
        std::int64_t after;
    };
    // Every change from 1970 on, in order. The tz database lists them up to
    // a final rule; date/tz.h keeps the last offset after the last listed
    // change (2037 with Debian's data), so the list is finite.
    std::vector<Change> changes() const;

private:
    const date::time_zone* tz_ = nullptr;
};

}  // namespace vigil::host

#endif
