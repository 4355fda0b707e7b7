#include "notifier_settings.hpp"

#include <cstdlib>

namespace vigil::plugins::notify {

std::string required_string(const Config& config, const std::string& key) {
    auto value = optional_string(config, key);
    if (!value || value->empty()) refuse(key, "required but missing");
    return *value;
}

long timeout_setting(const Config& config) {
    return settings::integer_setting(config, "timeout_seconds", 30, 1, 3600, "seconds");
}

std::optional<std::string> secret_from_env(const Config& config, const std::string& key) {
    auto name = optional_string(config, key);
    if (!name) return std::nullopt;
    if (name->empty()) refuse(key, "names no environment variable");
    const char* value = std::getenv(name->c_str());
    if (value == nullptr || *value == '\0') {
        refuse(key, "environment variable " + *name + " is not set or is empty");
    }
    return std::string(value);
}

}  // namespace vigil::plugins::notify
