#include "commands.hpp"

#include "cli.hpp"

#include <vigil/timestamp.hpp>

#include <chrono>
#include <iostream>

namespace vigil::host {

void add_config_option(CLI::App& command, std::string& file) {
    file = kDefaultConfig;
    command.add_option("--config,-c", file, "the YAML configuration")->capture_default_str();
}

std::int64_t clock_now() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int exit_code_for(const Status& st) {
    switch (st.code()) {
        case Status::Code::kOk: return kExitOk;
        case Status::Code::kConfig:
        case Status::Code::kRefused: return kExitConfig;
        case Status::Code::kUnavailable:
        case Status::Code::kIo: return kExitUnavailable;
        default: return kExitUsage;
    }
}

int fail(const Status& st) {
    std::cerr << "vigil: " << st.message() << "\n";
    return exit_code_for(st);
}

Status parse_time_option(const std::string& option, const std::string& text, std::int64_t* micros) {
    if (text.empty()) {
        return Status::error(Status::Code::kError,
                             option + ": the value is empty; give an ISO-8601 time such as 2026-11-23T04:00:00Z");
    }
    auto parsed = parse_timestamp(text);
    if (!parsed) {
        return Status::error(Status::Code::kError, option + ": \"" + text +
                                                       "\" is not an ISO-8601 timestamp (e.g. 2026-11-23T04:00:00Z)");
    }
    *micros = *parsed;
    return Status::ok();
}

Status now_option(bool given, const std::string& text, std::int64_t* now) {
    *now = clock_now();
    return given ? parse_time_option("--now", text, now) : Status::ok();
}

}  // namespace vigil::host
