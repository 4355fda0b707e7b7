// Readers for the settings both notifiers share. Every failure is an
// InvalidInput whose message starts with "setting `<key>`:", the key as the
// operator wrote it in the YAML file.
#ifndef VIGIL_PLUGINS_NOTIFIER_SETTINGS_HPP
#define VIGIL_PLUGINS_NOTIFIER_SETTINGS_HPP

#include "plugin_settings.hpp"

#include <vigil/plugin.hpp>

#include <initializer_list>
#include <optional>
#include <string>

namespace vigil::plugins::notify {

// A misspelt `secret_env` must be an error rather than an unsigned webhook:
// both notifiers refuse unknown settings.
using settings::bool_setting;
using settings::optional_string;
using settings::refuse;
using settings::refuse_unknown;

std::string required_string(const Config& config, const std::string& key);

// `timeout_seconds`: whole seconds from 1 to 3600, 30 when absent.
long timeout_setting(const Config& config);

// The value of the environment variable the setting `key` names; nullopt when
// the setting is absent. An unset or empty variable is refused, naming it, so
// a missing secret shows at configure time rather than as failed deliveries.
std::optional<std::string> secret_from_env(const Config& config, const std::string& key);

}  // namespace vigil::plugins::notify

#endif  // VIGIL_PLUGINS_NOTIFIER_SETTINGS_HPP
