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

bool is_set(const char* value) { return value != nullptr && *value != '\0'; }
}  // namespace

void fault_point(const char* label) {
    static const char* kill_setting = std::getenv("VIGIL_FAULT_KILL_AT");
    static const long kill_at = configured("VIGIL_FAULT_KILL_AT");
    static const bool kill_at_label = is_set(kill_setting) && kill_at <= 0;
    static const char* run_at = std::getenv("VIGIL_FAULT_RUN_AT");
    static const char* run_command = std::getenv("VIGIL_FAULT_RUN");
    static const bool run = is_set(run_at) && is_set(run_command);
    static const bool trace = configured("VIGIL_FAULT_TRACE") != 0;
    static std::atomic<long> reached{0};
    static std::atomic<bool> ran{false};
    if (kill_setting == nullptr && !trace && !run) return;
    const long n = ++reached;
    if (trace) std::fprintf(stderr, "vigil-fault-point %ld %s\n", n, label);
    if (run && std::strcmp(label, run_at) == 0 && !ran.exchange(true)) {
        std::fflush(nullptr);
        const int status = std::system(run_command);
        std::fprintf(stderr, "vigil-fault-run %s %d\n", label, status);
    }
    if (n == kill_at || (kill_at_label && std::strcmp(label, kill_setting) == 0)) {
        std::fflush(nullptr);
        std::raise(SIGKILL);
    }
}

}  // namespace vigil::host
