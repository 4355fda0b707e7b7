#include "fault.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace vigil::host {

namespace {
long configured(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::strtol(value, nullptr, 10) : 0;
}
}  // namespace

void fault_point(const char* label) {
    static const char* kill_setting = std::getenv("VIGIL_FAULT_KILL_AT");
    static const long kill_at = configured("VIGIL_FAULT_KILL_AT");
    static const bool kill_at_label = kill_setting != nullptr && kill_at <= 0 && *kill_setting != '\0';
    static const bool trace = configured("VIGIL_FAULT_TRACE") != 0;
    static std::atomic<long> reached{0};
    if (kill_setting == nullptr && !trace) return;
    const long n = ++reached;
    if (trace) std::fprintf(stderr, "vigil-fault-point %ld %s\n", n, label);
    if (n == kill_at || (kill_at_label && std::strcmp(label, kill_setting) == 0)) {
        std::fflush(nullptr);
        std::raise(SIGKILL);
    }
}

}  // namespace vigil::host
