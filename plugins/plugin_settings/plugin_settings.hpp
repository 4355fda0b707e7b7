// Readers for a plugin's own settings (its YAML item, as vigil::Config).
// Every failure is a vigil::InvalidInput whose message starts with
// "setting `<key>`:", the key as the operator wrote it.
//
// The host sends plain YAML booleans and numbers as JSON booleans and
// numbers (docs/configuration.md); vigil::Config holds every value as its
// text, so `25` and `"25"` read alike here. The readers accept both: a
// quoted number or boolean is still read as one, as before the host kept
// types, so no configuration that worked stops working.
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
// `unit` ("seconds") names what it counts in the message, when given.
long integer_setting(const Config& config, const std::string& key, long fallback, long min, long max,
                     const char* unit = nullptr);

// A boolean: true or false (what YAML's plain true/false arrive as), or, for
// compatibility, yes/no, on/off or 1/0, any case. `fallback` when absent.
bool bool_setting(const Config& config, const std::string& key, bool fallback);

}  // namespace vigil::plugins::settings

#endif  // VIGIL_PLUGINS_PLUGIN_SETTINGS_HPP
