// Readers for the settings both notifiers share. Every failure is an
// InvalidInput whose message starts with "setting `<key>`:", the key as the
// operator wrote it in the YAML file.
#ifndef VIGIL_PLUGINS_NOTIFIER_SETTINGS_HPP
#define VIGIL_PLUGINS_NOTIFIER_SETTINGS_HPP

#include <vigil/plugin.hpp>

#include <initializer_list>
#include <optional>
#include <string>

namespace vigil::plugins::notify {

// Refuses a setting that is not in `known` (nor the host's vigil_config_dir),
// so a misspelt `secret_env` is an error rather than an unsigned webhook.
void refuse_unknown(const Config& config, std::initializer_list<const char*> known);

// Throws InvalidInput "setting `<key>`: <reason>".
[[noreturn]] void refuse(const std::string& key, const std::string& reason);

// A setting given as one scalar; nullopt when absent. A list or mapping is refused.
std::optional<std::string> optional_string(const Config& config, const std::string& key);
std::string required_string(const Config& config, const std::string& key);

// true/false, yes/no, on/off or 1/0 (YAML spellings, any case).
bool bool_setting(const Config& config, const std::string& key, bool fallback);

// `timeout_seconds`: whole seconds from 1 to 3600, 30 when absent.
long timeout_setting(const Config& config);

// The value of the environment variable the setting `key` names; nullopt when
// the setting is absent. An unset or empty variable is refused, naming it, so
// a missing secret shows at configure time rather than as failed deliveries.
std::optional<std::string> secret_from_env(const Config& config, const std::string& key);

}  // namespace vigil::plugins::notify

#endif  // VIGIL_PLUGINS_NOTIFIER_SETTINGS_HPP
