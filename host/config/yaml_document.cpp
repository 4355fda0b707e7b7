#include "yaml_document.hpp"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <limits>
#include <stdexcept>
#include <streambuf>
#include <vector>

namespace vigil::host {

namespace {

constexpr std::uint32_t kMaxColumn = (1u << 27) - 1;

// yaml-cpp reads from a stream; this one reads the caller's text in place
// instead of copying it into a std::istringstream.
class TextBuf : public std::streambuf {
public:
    explicit TextBuf(std::string_view text) {
        char* begin = const_cast<char*>(text.data());  // only ever read
        setg(begin, begin, begin + text.size());
    }
};

}  // namespace

// Appends a node per event. Children are appended right after their
// sequence or map, whose end is filled in when it closes.
class YamlDocument::Builder : public YAML::EventHandler {
public:
    explicit Builder(YamlDocument* doc) : doc_(doc) {}

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        add(mark, Kind::kNull, 0, false, anchor);
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        // yaml-cpp refuses an alias whose anchor is not defined before it.
        add(mark, Kind::kAlias, anchors_.at(anchor), false, YAML::NullAnchor);
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
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
        add(mark, Kind::kScalar, static_cast<std::uint32_t>(offset), tag == "?", anchor);
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open_.push_back(add(mark, Kind::kSequence, 0, false, anchor));
    }
    void OnSequenceEnd() override { close(); }

    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open_.push_back(add(mark, Kind::kMap, 0, false, anchor));
    }
    void OnMapEnd() override { close(); }

private:
    std::uint32_t add(const YAML::Mark& mark, Kind kind, std::uint32_t payload, bool plain, YAML::anchor_t anchor) {
        auto& nodes = doc_->nodes_;
        if (nodes.size() >= std::numeric_limits<std::uint32_t>::max()) {
            throw std::length_error("more than 4 billion YAML nodes");
        }
        const auto index = static_cast<std::uint32_t>(nodes.size());
        Node node{};
        node.payload = payload;
        node.line = mark.line;
        node.column = mark.column < 0 ? 0 : std::min(static_cast<std::uint32_t>(mark.column), kMaxColumn);
        node.kind = static_cast<std::uint32_t>(kind);
        node.plain = plain ? 1 : 0;
        node.anchored = anchor != YAML::NullAnchor ? 1 : 0;
        nodes.push_back(node);
        // Anchors are numbered 1, 2, ... in the order they appear.
        if (anchor != YAML::NullAnchor) {
            if (anchors_.size() <= anchor) anchors_.resize(anchor + 1);
            anchors_[anchor] = index;
        }
        return index;
    }

    void close() {
        doc_->nodes_[open_.back()].payload = static_cast<std::uint32_t>(doc_->nodes_.size());
        open_.pop_back();
    }

    YamlDocument* doc_;
    std::vector<std::uint32_t> open_;     // the sequences and maps not closed yet
    std::vector<std::uint32_t> anchors_;  // anchor number -> node
};

YamlDocument::YamlDocument(std::string_view text) {
    // The scalars' text is seldom longer than the YAML that holds it: room
    // for that much is reserved up front rather than grown by copies (pages
    // the text never reaches are never touched).
    text_.reserve(text.size());
    TextBuf buf(text);
    std::istream in(&buf);
    YAML::Parser parser(in);
    Builder builder(this);
    if (!parser.HandleNextDocument(builder)) {
        YAML::Mark none = YAML::Mark::null_mark();
        builder.OnNull(none, YAML::NullAnchor);
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
