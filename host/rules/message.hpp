// A message that mixes the host's own words with text an agent wrote (an
// error message, a log summary, a file name, a checksum). The database keeps
// it whole; a log line shows each agent-written piece through a function
// that escapes and shortens it, so that an agent can neither forge nor flood
// log lines while the host's own words stay whole around its text.
#ifndef VIGIL_HOST_MESSAGE_HPP
#define VIGIL_HOST_MESSAGE_HPP

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::host {

class Message {
public:
    Message() = default;
    // A message of the host's own words only.
    explicit Message(std::string words) : text_(std::move(words)) {}

    // Appends the host's own words.
    Message& say(std::string_view words);
    // Appends text an agent wrote (or that quotes what it wrote).
    Message& quote(std::string_view agent_text);
    // Appends another message, keeping its agent-written pieces marked.
    Message& append(const Message& other);

    bool empty() const { return text_.empty(); }
    // The whole text, as recorded.
    const std::string& text() const { return text_; }
    // The text with every agent-written piece passed through `shown`.
    std::string render(const std::function<std::string(std::string_view)>& shown) const;

private:
    std::string text_;
    std::vector<std::pair<std::size_t, std::size_t>> quoted_;  // [begin, end) of agent text in text_
};

}  // namespace vigil::host

#endif
