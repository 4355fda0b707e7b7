// Readers for a plugin's own settings (its YAML item, as vigil::Config).
// Every failure is a vigil::InvalidInput whose message starts with
// "setting `<key>`:", the key as the operator wrote it.
#ifndef VIGIL_PLUGINS_PLUGIN_SETTINGS_HPP
#define VIGIL_PLUGINS_PLUGIN_SETTINGS_HPP

#include <vigil/plugin.hpp>

#include <initializer_list>
#include <optional>
#include <string>

namespace vigil::plugins::settings {

// Throws InvalidInput "setting `<key>`: <reason>".
[[noreturn]] void refuse(const std::string& key, const std::string& reason);

// Refuses a setting that is not in `known`, so that a misspelt key is an
// error rather than a silent default. The keys the host adds to every item
// (`name`, `vigil_config_dir`) are always accepted.
void refuse_unknown(const Config& config, std::initializer_list<const char*> known);

// A setting given as one scalar; nullopt when absent. A list or mapping is refused.
std::optional<std::string> optional_string(const Config& config, const std::string& key);

// A whole number from `min` to `max`; `fallback` when the setting is absent.
long integer_setting(const Config& config, const std::string& key, long fallback, long min, long max);

}  // namespace vigil::plugins::settings

#endif  // VIGIL_PLUGINS_PLUGIN_SETTINGS_HPP
