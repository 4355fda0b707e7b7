#include "message.hpp"

namespace vigil::host {

Message& Message::say(std::string_view words) {
    text_.append(words);
    return *this;
}

Message& Message::quote(std::string_view agent_text) {
    if (agent_text.empty()) return *this;
    const std::size_t begin = text_.size();
    text_.append(agent_text);
    quoted_.emplace_back(begin, text_.size());
    return *this;
}

Message& Message::append(const Message& other) {
    const std::size_t offset = text_.size();
    text_ += other.text_;
    for (const auto& [begin, end] : other.quoted_) quoted_.emplace_back(offset + begin, offset + end);
    return *this;
}

std::string Message::render(const std::function<std::string(std::string_view)>& shown) const {
    std::string out;
    std::size_t at = 0;
    const std::string_view text = text_;
    for (const auto& [begin, end] : quoted_) {
        out.append(text.substr(at, begin - at));
        out += shown(text.substr(begin, end - begin));
        at = end;
    }
    out.append(text.substr(at));
    return out;
}

}  // namespace vigil::host
