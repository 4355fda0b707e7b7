#include "zone.hpp"

#include <date/tz.h>

#include <algorithm>
#include <chrono>

namespace vigil::host {

namespace {

using std::chrono::seconds;

constexpr std::int64_t kMicros = 1'000'000;
// date/tz.h reads the years -32767..32767; times are clamped well inside
// (0001-01-01 .. 9999-12-31), where the tz database has long been constant.
constexpr std::int64_t kFirstSecond = -62135596800;
constexpr std::int64_t kLastSecond = 253402300799;

seconds clamped_seconds(std::int64_t micros) {
    std::int64_t s = micros / kMicros;
    if (micros % kMicros < 0) --s;
    return seconds(std::clamp(s, kFirstSecond, kLastSecond));
}

std::int64_t micros_of(seconds s) { return static_cast<std::int64_t>(s.count()) * kMicros; }

}  // namespace

std::string Zone::name() const { return tz_ ? std::string(tz_->name()) : "UTC"; }

std::string Zone::wall_time_text(std::int64_t utc) const {
    const date::local_seconds local{clamped_seconds(to_local(utc))};
    const std::string abbreviation =
        tz_ ? tz_->get_info(date::sys_seconds(clamped_seconds(utc))).abbrev : std::string("UTC");
    return date::format("%a %F %R ", local) + abbreviation;
}

std::int64_t Zone::offset_at(std::int64_t utc) const {
    if (!tz_) return 0;
    return micros_of(tz_->get_info(date::sys_seconds(clamped_seconds(utc))).offset);
}

std::int64_t Zone::to_utc(std::int64_t local) const {
    if (!tz_) return local;
    // For a unique time `first` is its period; for a repeated one, the
    // earlier period (the first occurrence); for a skipped one, the period
    // before the jump. In every case docs/scan.md wants first's offset.
    const date::local_info info = tz_->get_info(date::local_seconds(clamped_seconds(local)));
    return local - micros_of(info.first.offset);
}

bool Zone::fixed_offset(std::int64_t local_from, std::int64_t local_to, std::int64_t* offset) const {
    if (!tz_) {
        *offset = 0;
        return true;
    }
    const date::local_info first = tz_->get_info(date::local_seconds(clamped_seconds(local_from)));
    const date::local_info last = tz_->get_info(date::local_seconds(clamped_seconds(local_to - 1)));
    if (first.result != date::local_info::unique || last.result != date::local_info::unique ||
        first.first.begin != last.first.begin) {
        return false;
    }
    // Both ends map into one period, so everything between does too.
    *offset = micros_of(first.first.offset);
    return true;
}

std::vector<Zone::Change> Zone::changes() const {
    std::vector<Change> out;
    if (!tz_) return out;
    const date::sys_seconds end{seconds(kLastSecond)};
    date::sys_info info = tz_->get_info(date::sys_seconds(seconds(0)));
    while (info.end < end) {
        const date::sys_info next = tz_->get_info(info.end);
        // Periods also split when only the abbreviation or the DST flag changes.
        if (next.offset != info.offset) {
            out.push_back(Change{micros_of(info.end.time_since_epoch()), micros_of(info.offset),
                                 micros_of(next.offset)});
        }
        info = next;
    }
    return out;
}

}  // namespace vigil::host
