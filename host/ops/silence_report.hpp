// `vigil silence`: the checks of a new silence, and the list of silences and
// maintenance windows for people and for tools (docs/operating.md
// documents the JSON shape; it only grows).
#ifndef VIGIL_HOST_OPS_SILENCE_REPORT_HPP
#define VIGIL_HOST_OPS_SILENCE_REPORT_HPP

#include "silence.hpp"
#include "status.hpp"

#include <vigil/types.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <ostream>
#include <vector>

namespace vigil::host {

// kError naming the option at fault unless the silence has agents, a
// reason, and ends after it starts.
Status check_new_silence(const Silence& silence);

// "active" (in force at now), "ended", "expired" (ended early by an
// operator) or "pending" (starts after now).
const char* silence_state(const Silence& silence, std::int64_t now);

// {"format": "vigil-silences", "version": 1, "generated_at", "silences":
// [...], "maintenance": [...]}.
nlohmann::ordered_json silences_json(const std::vector<Silence>& silences,
                                     const std::vector<MaintenanceWindow>& windows, std::int64_t now);

// The silences as a table, then the maintenance windows with their next start.
void print_silences(std::ostream& out, const std::vector<Silence>& silences,
                    const std::vector<MaintenanceWindow>& windows, std::int64_t now);

}  // namespace vigil::host

#endif
