// A YAML document as the configuration reads it. libyaml parses the text
// and reports events (ten times as fast as yaml-cpp, whose reading this
// follows: 0.1 s instead of 1 s for 60,000 jobs); what is kept is one array
// of 12-byte nodes, in document order, and one buffer holding each scalar's
// text once, so a configuration of 100,000 jobs costs about 13 MB instead of
// a node tree's hundreds of bytes and several allocations per node (yaml-cpp's:
// 235 MB).
//
// An alias is a reference to the node its anchor names, never a copy: a
// document that repeats an anchor a billion times through nested aliases
// is as small as its text. Such a reference can lead back to a node that
// contains it (`a: &x [*x]`); whoever walks the tree must bound the depth.
#ifndef VIGIL_HOST_YAML_DOCUMENT_HPP
#define VIGIL_HOST_YAML_DOCUMENT_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <stdexcept>
#include <string_view>
#include <deque>

namespace vigil::host {

class YamlDocument;
struct YamlPair;

// Text that is not YAML: where it stops being YAML and why.
class YamlError : public std::runtime_error {
public:
    YamlError(int line, const std::string& message);

    // The line, counted from 0, where the parser found the problem.
    int line() const { return line_; }
    // libyaml's words for the problem and what it was reading.
    std::string message() const { return what(); }

private:
    int line_;
};

// A node of a YamlDocument, or no node at all (a key that is not there).
// Cheap to copy; valid as long as its document. The names follow
// yaml-cpp's YAML::Node, which this replaced.
class YamlNode {
public:
    class Items;
    class Pairs;

    YamlNode() = default;  // no node

    // True when there is a node, null ones (`key:` with no value) included.
    explicit operator bool() const { return doc_ != nullptr; }

    bool IsNull() const;
    bool IsScalar() const;
    bool IsSequence() const;
    bool IsMap() const;

    // A scalar's text; "" for any other node. The view is the document's
    // own copy, valid as long as the document.
    std::string Scalar() const;
    std::string_view ScalarView() const;

    // True for a scalar written without quotes and without a tag: its
    // meaning may depend on its form (`25`, `true`), where a quoted or
    // tagged one is text as written.
    bool IsPlain() const;

    // Where the node starts, counted from 0; -1 for no node
    // and for the null root of a text with no document. The column
    // saturates at 2^27 - 1.
    int Line() const;
    int Column() const;

    // The same for a node and every alias of it, distinct for distinct nodes
    // of a document: what a walk over the tree may remember it has visited.
    std::size_t Id() const { return index_; }

    // True for a node that carries an anchor: the only nodes a walk over the
    // tree can reach more than once (through aliases).
    bool IsAnchored() const;

    // The value of a map's first pair whose key is a scalar of that text;
    // no node when there is none or this is not a map.
    YamlNode operator[](std::string_view key) const;

    // A sequence's items, in order; nothing for any other node.
    Items items() const;
    // A map's pairs, in order, repeated keys included; nothing for any other node.
    Pairs pairs() const;

private:
    friend class YamlDocument;
    YamlNode(const YamlDocument* doc, std::uint32_t index) : doc_(doc), index_(index) {}

    const YamlDocument* doc_ = nullptr;
    std::uint32_t index_ = 0;  // never an alias: aliases are followed on the way here
};

struct YamlPair {
    YamlNode first;   // the key
    YamlNode second;  // the value
};

// Iterates over the children of a sequence or map: `entry_` is the
// position of a child in the document (an alias, maybe, before it is followed).
class YamlNode::Items {
public:
    class iterator {
    public:
        YamlNode operator*() const;
        iterator& operator++();
        bool operator!=(const iterator& other) const { return entry_ != other.entry_; }

    private:
        friend class Items;
        iterator(const YamlDocument* doc, std::uint32_t entry) : doc_(doc), entry_(entry) {}
        const YamlDocument* doc_;
        std::uint32_t entry_;
    };
    iterator begin() const { return {doc_, first_}; }
    iterator end() const { return {doc_, end_}; }

private:
    friend class YamlNode;
    friend class Pairs;
    Items(const YamlDocument* doc, std::uint32_t first, std::uint32_t end) : doc_(doc), first_(first), end_(end) {}
    const YamlDocument* doc_;
    std::uint32_t first_;
    std::uint32_t end_;
};

// A map's children taken two by two: key, then value.
class YamlNode::Pairs {
public:
    class iterator {
    public:
        YamlPair operator*() const;
        iterator& operator++();
        bool operator!=(const iterator& other) const { return at_ != other.at_; }

    private:
        friend class Pairs;
        explicit iterator(Items::iterator at) : at_(at) {}
        Items::iterator at_;
    };
    iterator begin() const { return iterator(children_.begin()); }
    iterator end() const { return iterator(children_.end()); }

private:
    friend class YamlNode;
    explicit Pairs(Items children) : children_(children) {}
    Items children_;
};

class YamlDocument {
public:
    // Reads the first document of `text`, as yaml-cpp's YAML::Load does:
    // later documents are not read, and a text without one has a null root.
    // A plain scalar without a tag reading "", "~" or "null" (any case
    // yaml-cpp knows) is null. Throws YamlError for text that is not YAML,
    // an alias before its anchor included.
    explicit YamlDocument(std::string_view text);

    YamlDocument(const YamlDocument&) = delete;
    YamlDocument& operator=(const YamlDocument&) = delete;

    YamlNode Root() const { return {this, 0}; }

    // Number of nodes kept, aliases included (for tests and measurements).
    std::size_t node_count() const { return nodes_.size(); }

private:
    friend class YamlNode;
    class Builder;

    enum class Kind : std::uint8_t { kNull, kScalar, kSequence, kMap, kAlias };

    // 12 bytes. What `payload` is depends on the kind: a scalar's offset in
    // text_ (where its length comes first, as a varint), the index just past
    // a sequence's or map's last descendant (its children follow it
    // directly), an alias's target; nothing for null.
    struct Node {
        std::uint32_t payload;
        std::int32_t line;
        std::uint32_t column : 27;
        std::uint32_t kind : 3;
        std::uint32_t plain : 1;
        std::uint32_t anchored : 1;
    };
    static_assert(sizeof(Node) == 12);

    Kind kind(std::uint32_t index) const { return static_cast<Kind>(nodes_[index].kind); }
    // The entry after `index` and all it contains.
    std::uint32_t next(std::uint32_t index) const;
    // `index`, or the node it refers to when it is an alias.
    std::uint32_t follow(std::uint32_t index) const;

    // In document order; nodes_[0] is the root. A deque grows by blocks,
    // where a vector would copy itself at each doubling and leave the old
    // copies behind in the heap.
    std::deque<Node> nodes_;
    std::string text_;  // every scalar's length and text, one after the other
};

}  // namespace vigil::host

#endif
