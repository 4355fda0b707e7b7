#include "notifier_settings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace vigil::plugins::notify {
namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

}  // namespace

std::string required_string(const Config& config, const std::string& key) {
    auto value = optional_string(config, key);
    if (!value || value->empty()) refuse(key, "required but missing");
    return *value;
}

bool bool_setting(const Config& config, const std::string& key, bool fallback) {
    auto value = optional_string(config, key);
    if (!value) return fallback;
    std::string v = lower(*value);
    if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
    if (v == "false" || v == "no" || v == "off" || v == "0") return false;
    refuse(key, "\"" + *value + "\" is not true or false");
}

long timeout_setting(const Config& config) {
    const std::string key = "timeout_seconds";
    auto value = optional_string(config, key);
    if (!value) return 30;
    long seconds = 0;
    const char* end = value->data() + value->size();
    auto [ptr, error] = std::from_chars(value->data(), end, seconds);
    if (error != std::errc() || ptr != end || seconds < 1 || seconds > 3600) {
        refuse(key, "\"" + *value + "\" is not a whole number of seconds from 1 to 3600");
    }
    return seconds;
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
