#include "plugin_settings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace vigil::plugins::settings {

void refuse(const std::string& key, const std::string& reason) {
    throw InvalidInput("setting `" + key + "`: " + reason);
}

void refuse_unknown(const Config& config, std::initializer_list<const char*> known) {
    for (const auto& [key, value] : config) {
        if (key == "vigil_config_dir" || key == "name") continue;
        bool listed = false;
        for (const char* k : known) listed = listed || key == k;
        if (listed) continue;
        std::string names;
        for (const char* k : known) names += (names.empty() ? "`" : ", `") + std::string(k) + "`";
        refuse(key, names.empty() ? "unknown setting (this plugin has none)"
                                  : "unknown setting (known: " + names + ")");
    }
}

std::optional<std::string> optional_string(const Config& config, const std::string& key) {
    auto node = config.get_child_optional(key);
    if (!node) return std::nullopt;
    if (!node->empty()) refuse(key, "must be a single value, not a list or mapping");
    return node->data();
}

long integer_setting(const Config& config, const std::string& key, long fallback, long min, long max,
                     const char* unit) {
    auto value = optional_string(config, key);
    if (!value) return fallback;
    long number = 0;
    const char* end = value->data() + value->size();
    auto [ptr, error] = std::from_chars(value->data(), end, number);
    if (error != std::errc() || ptr != end || number < min || number > max) {
        refuse(key, "\"" + *value + "\" is not a whole number " + (unit ? std::string("of ") + unit + " " : "") +
                        "from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return number;
}

bool bool_setting(const Config& config, const std::string& key, bool fallback) {
    auto value = optional_string(config, key);
    if (!value) return fallback;
    std::string v = *value;
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
    if (v == "false" || v == "no" || v == "off" || v == "0") return false;
    refuse(key, "\"" + *value + "\" is not true or false");
}

}  // namespace vigil::plugins::settings
