#include "plugin_refusal.hpp"

namespace vigil::host {

std::string refusal_message(const PluginChoice& choice, const std::string& message) {
    std::string where = choice.where;
    const std::string marker = "setting `";
    const std::size_t start = message.find(marker);
    if (start != std::string::npos) {
        const std::size_t end = message.find('`', start + marker.size());
        const std::string key = message.substr(start + marker.size(), end - start - marker.size());
        auto it = choice.key_where.find(key);
        if (end != std::string::npos && it != choice.key_where.end()) where = it->second;
    }
    std::string text = where + ": " + message;
    if (message.find("unknown setting") != std::string::npos && !choice.host_keys.empty()) {
        std::string keys;
        for (const auto& k : choice.host_keys) keys += (keys.empty() ? "`" : ", `") + k + "`";
        text += "; keys Vigil itself reads from this item: " + keys;
    }
    return text;
}

}  // namespace vigil::host
