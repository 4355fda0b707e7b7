#include "yaml_document.hpp"

#include <yaml.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <vector>

namespace vigil::host {

namespace {

constexpr std::uint32_t kMaxColumn = (1u << 27) - 1;

// What yaml-cpp, whose reading the configuration has always followed, takes
// for null: a plain scalar without a tag reading "", "~" or "null".
bool is_null_text(std::string_view text) {
    return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

std::string_view text_of(const yaml_char_t* text, std::size_t size) {
    return {reinterpret_cast<const char*>(text), size};
}

std::string_view text_of(const yaml_char_t* text) {
    return text ? std::string_view(reinterpret_cast<const char*>(text)) : std::string_view();
}

// libyaml's parser and its current event, released whatever happens.
class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {
        if (!yaml_parser_initialize(&parser_)) throw std::bad_alloc();
        yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    }
    ~Parser() {
        if (has_event_) yaml_event_delete(&event_);
        yaml_parser_delete(&parser_);
    }
    Parser(const Parser&) = delete;
    Parser& operator=(const Parser&) = delete;

    // The next event; throws YamlError where the text stops being YAML.
    const yaml_event_t& next() {
        if (has_event_) yaml_event_delete(&event_);
        has_event_ = false;
        if (!yaml_parser_parse(&parser_, &event_)) throw error();
        has_event_ = true;
        return event_;
    }

private:
    YamlError error() const {
        if (parser_.error == YAML_MEMORY_ERROR) throw std::bad_alloc();
        std::string message = parser_.problem ? parser_.problem : "not YAML";
        std::size_t line = parser_.problem_mark.line;
        if (parser_.error == YAML_READER_ERROR) {
            // Bytes that are not UTF-8: libyaml says at which byte, not line.
            const std::string_view before = text_.substr(0, std::min(parser_.problem_offset, text_.size()));
            line = static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
            if (parser_.problem_value >= 0) {
                char value[32];
                std::snprintf(value, sizeof value, parser_.problem_value > 0xff ? " (U+%04X)" : " (byte 0x%02x)",
                              static_cast<unsigned>(parser_.problem_value));
                message += value;
            }
        }
        const auto at = static_cast<int>(std::min<std::size_t>(line, std::numeric_limits<std::int32_t>::max()));
        if (parser_.context) {
            message += std::string(" ") + parser_.context;
            if (parser_.context_mark.line != parser_.problem_mark.line) {
                message += " started at line " + std::to_string(parser_.context_mark.line + 1);
            }
        }
        return YamlError(at, message);
    }

    std::string_view text_;
    yaml_parser_t parser_{};
    yaml_event_t event_{};
    bool has_event_ = false;
};

}  // namespace

YamlError::YamlError(int line, const std::string& message) : std::runtime_error(message), line_(line) {}

// Appends a node per event. Children are appended right after their
// sequence or map, whose end is filled in when it closes.
class YamlDocument::Builder {
public:
    explicit Builder(YamlDocument* doc) : doc_(doc) {}

    // Reads events up to the end of the first document.
    void read(Parser& parser) {
        for (;;) {
            const yaml_event_t& event = parser.next();
            switch (event.type) {
                case YAML_STREAM_END_EVENT:
                case YAML_DOCUMENT_END_EVENT:
                    return;
                case YAML_ALIAS_EVENT:
                    alias(event);
                    break;
                case YAML_SCALAR_EVENT:
                    scalar(event);
                    break;
                case YAML_SEQUENCE_START_EVENT:
                    open_.push_back(add(event.start_mark, Kind::kSequence, 0, false, event.data.sequence_start.anchor));
                    break;
                case YAML_MAPPING_START_EVENT:
                    open_.push_back(add(event.start_mark, Kind::kMap, 0, false, event.data.mapping_start.anchor));
                    break;
                case YAML_SEQUENCE_END_EVENT:
                case YAML_MAPPING_END_EVENT:
                    close();
                    break;
                default:  // stream and document starts
                    break;
            }
        }
    }

private:
    void alias(const yaml_event_t& event) {
        const auto it = anchors_.find(text_of(event.data.alias.anchor));
        if (it == anchors_.end()) {
            throw YamlError(static_cast<int>(event.start_mark.line),
                            "the alias *" + std::string(text_of(event.data.alias.anchor)) +
                                " names no anchor defined before it");
        }
        add(event.start_mark, Kind::kAlias, it->second, false, nullptr);
    }

    void scalar(const yaml_event_t& event) {
        const auto& s = event.data.scalar;
        const std::string_view value = text_of(s.value, s.length);
        const bool plain = s.tag == nullptr && s.style == YAML_PLAIN_SCALAR_STYLE;
        if (plain && is_null_text(value)) {
            add(event.start_mark, Kind::kNull, 0, false, s.anchor);
            return;
        }
        std::string& text = doc_->text_;
        const std::size_t offset = text.size();
        for (std::size_t n = value.size(); ; n >>= 7) {
            text.push_back(static_cast<char>((n & 0x7f) | (n > 0x7f ? 0x80 : 0)));
            if (n <= 0x7f) break;
        }
        text += value;
        if (offset > std::numeric_limits<std::uint32_t>::max()) {
            throw std::length_error("more than 4 GiB of scalar text");
        }
        add(event.start_mark, Kind::kScalar, static_cast<std::uint32_t>(offset), plain, s.anchor);
    }

    std::uint32_t add(const yaml_mark_t& mark, Kind kind, std::uint32_t payload, bool plain, const yaml_char_t* anchor) {
        auto& nodes = doc_->nodes_;
        if (nodes.size() >= std::numeric_limits<std::uint32_t>::max()) {
            throw std::length_error("more than 4 billion YAML nodes");
        }
        const auto index = static_cast<std::uint32_t>(nodes.size());
        Node node{};
        node.payload = payload;
        node.line = static_cast<std::int32_t>(std::min<std::size_t>(mark.line, std::numeric_limits<std::int32_t>::max()));
        node.column = static_cast<std::uint32_t>(std::min<std::size_t>(mark.column, kMaxColumn));
        node.kind = static_cast<std::uint32_t>(kind);
        node.plain = plain ? 1 : 0;
        node.anchored = anchor != nullptr ? 1 : 0;
        nodes.push_back(node);
        // An alias names the latest node anchored so before it.
        if (anchor != nullptr) anchors_[std::string(text_of(anchor))] = index;
        return index;
    }

    void close() {
        doc_->nodes_[open_.back()].payload = static_cast<std::uint32_t>(doc_->nodes_.size());
        open_.pop_back();
    }

    YamlDocument* doc_;
    std::vector<std::uint32_t> open_;                          // the sequences and maps not closed yet
    std::map<std::string, std::uint32_t, std::less<>> anchors_;  // anchor name -> node
};

YamlDocument::YamlDocument(std::string_view text) {
    // The scalars' text is seldom longer than the YAML that holds it: room
    // for that much is reserved up front rather than grown by copies (pages
    // the text never reaches are never touched).
    text_.reserve(text.size());
    Parser parser(text);
    Builder builder(this);
    builder.read(parser);
    if (nodes_.empty()) {
        // No document at all: a null root, which is nowhere in the text.
        Node none{};
        none.line = -1;
        none.kind = static_cast<std::uint32_t>(Kind::kNull);
        nodes_.push_back(none);
    }
}

std::uint32_t YamlDocument::next(std::uint32_t index) const {
    const Kind k = kind(index);
    return k == Kind::kSequence || k == Kind::kMap ? nodes_[index].payload : index + 1;
}

std::uint32_t YamlDocument::follow(std::uint32_t index) const {
    return kind(index) == Kind::kAlias ? nodes_[index].payload : index;
}

bool YamlNode::IsNull() const { return doc_ && doc_->kind(index_) == YamlDocument::Kind::kNull; }
bool YamlNode::IsScalar() const { return doc_ && doc_->kind(index_) == YamlDocument::Kind::kScalar; }
bool YamlNode::IsSequence() const { return doc_ && doc_->kind(index_) == YamlDocument::Kind::kSequence; }
bool YamlNode::IsMap() const { return doc_ && doc_->kind(index_) == YamlDocument::Kind::kMap; }

std::string_view YamlNode::ScalarView() const {
    if (!IsScalar()) return {};
    const std::string& text = doc_->text_;
    std::size_t at = doc_->nodes_[index_].payload;
    std::size_t size = 0;
    for (int shift = 0;; shift += 7) {
        const auto byte = static_cast<unsigned char>(text[at++]);
        size |= static_cast<std::size_t>(byte & 0x7f) << shift;
        if (!(byte & 0x80)) break;
    }
    return std::string_view(text).substr(at, size);
}

std::string YamlNode::Scalar() const { return std::string(ScalarView()); }

bool YamlNode::IsPlain() const { return IsScalar() && doc_->nodes_[index_].plain; }

bool YamlNode::IsAnchored() const { return doc_ && doc_->nodes_[index_].anchored; }

int YamlNode::Line() const { return doc_ ? doc_->nodes_[index_].line : -1; }

int YamlNode::Column() const { return doc_ ? static_cast<int>(doc_->nodes_[index_].column) : -1; }

YamlNode YamlNode::operator[](std::string_view key) const {
    for (const YamlPair& kv : pairs()) {
        if (kv.first.IsScalar() && kv.first.ScalarView() == key) return kv.second;
    }
    return {};
}

YamlNode::Items YamlNode::items() const {
    if (!IsSequence()) return {doc_, 0, 0};
    return {doc_, index_ + 1, doc_->nodes_[index_].payload};
}

YamlNode::Pairs YamlNode::pairs() const {
    if (!IsMap()) return Pairs(Items(doc_, 0, 0));
    return Pairs(Items(doc_, index_ + 1, doc_->nodes_[index_].payload));
}

YamlNode YamlNode::Items::iterator::operator*() const { return {doc_, doc_->follow(entry_)}; }

YamlNode::Items::iterator& YamlNode::Items::iterator::operator++() {
    entry_ = doc_->next(entry_);
    return *this;
}

YamlPair YamlNode::Pairs::iterator::operator*() const {
    Items::iterator value = at_;
    ++value;
    return {*at_, *value};
}

YamlNode::Pairs::iterator& YamlNode::Pairs::iterator::operator++() {
    ++at_;
    ++at_;
    return *this;
}

}  // namespace vigil::host
