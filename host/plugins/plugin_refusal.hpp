// How a plugin's refusal of its settings is told: at the line of the key it
// names, and, for an unknown key, with the keys the host reads from the item.
#ifndef VIGIL_HOST_PLUGIN_REFUSAL_HPP
#define VIGIL_HOST_PLUGIN_REFUSAL_HPP

#include "config.hpp"

#include <string>

namespace vigil::host {

// "<file>:<line>: <message>": the line of the setting the message names
// ("setting `KEY`: ...", as plugins say it) when the item has that key,
// else the item's line. A message about an unknown setting also lists the
// keys the host itself reads from the item, since the plugin knows only
// its own.
std::string refusal_message(const PluginChoice& choice, const std::string& message);

}  // namespace vigil::host

#endif
