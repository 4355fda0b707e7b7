// The configuration's YAML document: what libyaml's events leave behind,
// read the way yaml-cpp (which the configuration used to be read with) reads
// the same text: yaml-cpp is the reference here.
#include "yaml_document.hpp"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

using vigil::host::YamlDocument;
using vigil::host::YamlNode;

namespace {
std::vector<std::string> item_texts(const YamlNode& node) {
    std::vector<std::string> out;
    for (const YamlNode& item : node.items()) out.push_back(item.Scalar());
    return out;
}
}  // namespace

TEST_CASE("yaml document: maps, sequences, scalars and nulls as yaml-cpp reads them") {
    const YamlDocument doc("name: vigil\nlist: [a, b, c]\nempty:\ntilde: ~\nword: null\nquoted: \"null\"\n"
                           "nested: {inner: {deep: 1}}\nblank: []\n");
    const YamlNode root = doc.Root();
    REQUIRE(root.IsMap());
    CHECK(root["name"].IsScalar());
    CHECK(root["name"].Scalar() == "vigil");
    CHECK(root["list"].IsSequence());
    CHECK(item_texts(root["list"]) == std::vector<std::string>{"a", "b", "c"});
    CHECK(root["nested"]["inner"]["deep"].Scalar() == "1");
    CHECK(root["blank"].IsSequence());
    CHECK(item_texts(root["blank"]).empty());
    // A key with no value, `~` and `null` are there, and null; "null" quoted is text.
    for (const char* key : {"empty", "tilde", "word"}) {
        INFO(key);
        CHECK(root[key]);
        CHECK(root[key].IsNull());
        CHECK_FALSE(root[key].IsScalar());
    }
    CHECK(root["quoted"].IsScalar());
    CHECK(root["quoted"].Scalar() == "null");
    // A key that is not there is no node at all; nothing can be looked up below it.
    CHECK_FALSE(root["missing"]);
    CHECK_FALSE(root["missing"].IsNull());
    CHECK_FALSE(root["missing"]["deeper"]);
    // Scalar() of anything but a scalar is empty; lookups into a non-map find nothing.
    CHECK(root["list"].Scalar().empty());
    CHECK(root.Scalar().empty());
    CHECK_FALSE(root["list"]["a"]);
    CHECK_FALSE(root["name"]["vigil"]);
    std::vector<std::string> keys;
    for (const auto& kv : root.pairs()) keys.push_back(kv.first.Scalar());
    CHECK(keys == std::vector<std::string>{"name", "list", "empty", "tilde", "word", "quoted", "nested", "blank"});
}

TEST_CASE("yaml document: plain scalars are told from quoted and tagged ones") {
    const YamlDocument doc("plain: 25\nsingle: '25'\ndouble: \"25\"\ntagged: !!str 25\nlocal: !x 25\n"
                           "block: |\n  25\nlist: [25, \"25\"]\n");
    const YamlNode root = doc.Root();
    CHECK(root["plain"].IsPlain());
    for (const char* key : {"single", "double", "tagged", "local", "block"}) {
        INFO(key);
        CHECK(root[key].IsScalar());
        CHECK_FALSE(root[key].IsPlain());
    }
    CHECK(root["block"].Scalar() == "25\n");
    std::vector<bool> plain;
    for (const YamlNode& item : root["list"].items()) plain.push_back(item.IsPlain());
    CHECK(plain == std::vector<bool>{true, false});
    CHECK_FALSE(root["list"].IsPlain());
}

TEST_CASE("yaml document: lines and columns are yaml-cpp's marks, counted from 0") {
    const std::string text = "first: 1\n# a comment\nsecond:\n  - x\n  - {key: y}\n";
    const YamlDocument doc(text);
    const YamlNode root = doc.Root();
    const YAML::Node tree = YAML::Load(text);
    CHECK(root.Line() == 0);
    CHECK(root["first"].Line() == 0);
    CHECK(root["first"].Column() == 7);
    CHECK(root["second"].Line() == tree["second"].Mark().line);
    CHECK(root["second"].Column() == tree["second"].Mark().column);
    int i = 0;
    for (const YamlNode& item : root["second"].items()) {
        INFO(i);
        CHECK(item.Line() == tree["second"][i].Mark().line);
        CHECK(item.Column() == tree["second"][i].Mark().column);
        ++i;
    }
    for (const auto& kv : root.pairs()) {
        INFO(kv.first.Scalar());
        for (const auto& expected : tree) {
            if (expected.first.Scalar() != kv.first.Scalar()) continue;
            CHECK(kv.first.Line() == expected.first.Mark().line);
            CHECK(kv.first.Column() == expected.first.Mark().column);
        }
    }
}

TEST_CASE("yaml document: a repeated key is kept twice, and a lookup finds the first") {
    const YamlDocument doc("a: 1\nb: 2\na: 3\n");
    const YamlNode root = doc.Root();
    CHECK(root["a"].Scalar() == "1");
    std::vector<std::string> seen;
    for (const auto& kv : root.pairs()) seen.push_back(kv.first.Scalar() + "=" + kv.second.Scalar() + "@" +
                                                       std::to_string(kv.first.Line()));
    CHECK(seen == std::vector<std::string>{"a=1@0", "b=2@1", "a=3@2"});
}

TEST_CASE("yaml document: an alias is the anchored node itself, not a copy") {
    const YamlDocument doc("base: &b {x: 1}\nuse: *b\nlist: [*b, *b]\n");
    const YamlNode root = doc.Root();
    CHECK(root["use"].IsMap());
    CHECK(root["use"]["x"].Scalar() == "1");
    CHECK(root["use"].Id() == root["base"].Id());
    CHECK(root["use"].Line() == root["base"].Line());  // where the anchored node is, as yaml-cpp says
    for (const YamlNode& item : root["list"].items()) CHECK(item.Id() == root["base"].Id());
    CHECK(root["use"].Id() != root["list"].Id());
    CHECK(root["base"].IsAnchored());
    CHECK(root["use"].IsAnchored());
    CHECK_FALSE(root["list"].IsAnchored());
    CHECK_FALSE(root["base"]["x"].IsAnchored());
}

TEST_CASE("yaml document: an alias inside the node it names leads back to it") {
    const YamlDocument doc("loop: &l [a, *l]\n");
    const YamlNode loop = doc.Root()["loop"];
    std::vector<std::size_t> ids;
    for (const YamlNode& item : loop.items()) ids.push_back(item.Id());
    REQUIRE(ids.size() == 2);
    CHECK(ids[1] == loop.Id());
    // Following it again and again stays in the same two nodes.
    YamlNode node = loop;
    for (int depth = 0; depth < 1000; ++depth) {
        std::vector<YamlNode> items;
        for (const YamlNode& item : node.items()) items.push_back(item);
        node = items.back();
    }
    CHECK(node.Id() == loop.Id());
}

TEST_CASE("yaml document: a billion laughs cost as much as their text") {
    std::string text = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (int i = 1; i < 10; ++i) {
        text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
        for (int k = 0; k < 10; ++k) text += (k ? ", *l" : "*l") + std::to_string(i - 1);
        text += "]\n";
    }
    const YamlDocument doc(text);
    // 10 keys, 10 sequences of 10 items each, and the root.
    CHECK(doc.node_count() == 1 + 10 + 10 + 10 * 10);
    // Yet the last one holds 10^9 "lol"s when the aliases are followed.
    YamlNode node = doc.Root()["l9"];
    for (int level = 9; level > 0; --level) node = *node.items().begin();
    CHECK(node.IsSequence());
    CHECK((*node.items().begin()).Scalar() == "lol");
}

TEST_CASE("yaml document: only the first document is read, and no document is a null root") {
    CHECK(YamlDocument("a: 1\n---\nb: 2\n").Root()["a"].Scalar() == "1");
    CHECK_FALSE(YamlDocument("a: 1\n---\nb: 2\n").Root()["b"]);
    // A later document is not read at all, broken or not (yaml-cpp's Load does the same).
    CHECK(YamlDocument("a: 1\n---\nb: [\n").Root()["a"].Scalar() == "1");
    for (const char* text : {"", "# nothing\n", "\n\n"}) {
        INFO(text);
        const YamlDocument doc(text);
        CHECK(doc.Root());
        CHECK(doc.Root().IsNull());
        CHECK(doc.Root().Line() == -1);
    }
    const YamlDocument only_start("---\n");
    CHECK(only_start.Root().IsNull());
    CHECK(only_start.Root().Line() == YAML::Load("---\n").Mark().line);
}

TEST_CASE("yaml document: text that is not YAML throws YamlError at the line yaml-cpp names") {
    for (const char* text : {"a: [1\n", "a: b: c\n", "a: *nowhere\n", "a: \"\\q\"\n", "a: ]\n", "{a: 1\n"}) {
        INFO(text);
        int expected_line = -2;
        try {
            YAML::Load(text);
        } catch (const YAML::Exception& e) {
            expected_line = e.mark.line;
        }
        REQUIRE(expected_line >= 0);
        try {
            YamlDocument doc(text);
            FAIL("no exception");
        } catch (const vigil::host::YamlError& e) {
            CHECK(e.line() == expected_line);
            CHECK_FALSE(e.message().empty());
        }
    }
}

TEST_CASE("yaml document: libyaml's words say what it was reading, and where that started") {
    try {
        YamlDocument doc("a: 1\nb: [1,\n  2\nc: 3\n");
        FAIL("no exception");
    } catch (const vigil::host::YamlError& e) {
        CHECK(e.line() == 3);
        CHECK(e.message() == "did not find expected ',' or ']' while parsing a flow sequence started at line 2");
    }
    try {
        YamlDocument doc("a: *nowhere\n");
        FAIL("no exception");
    } catch (const vigil::host::YamlError& e) {
        CHECK(e.line() == 0);
        CHECK(e.message() == "the alias *nowhere names no anchor defined before it");
    }
}

TEST_CASE("yaml document: bytes that are not UTF-8 are refused at their line") {
    for (const std::string& bad : {std::string("\xff"), std::string("\xc3("), std::string("\xed\xa0\x80")}) {
        const std::string text = "ok: 1\nalso: fine\nbad: \"" + bad + "\"\n";
        INFO(text);
        try {
            YamlDocument doc(text);
            FAIL("no exception");
        } catch (const vigil::host::YamlError& e) {
            CHECK(e.line() == 2);
            CHECK_THAT(e.message(), Catch::Contains("UTF-8") || Catch::Contains("Unicode"));
        }
    }
    // Beyond libyaml's first chunk of input, still at the right line.
    std::string long_text;
    for (int i = 0; i < 5000; ++i) long_text += "k" + std::to_string(i) + ": value\n";
    long_text += "bad: \xff\n";
    try {
        YamlDocument doc(long_text);
        FAIL("no exception");
    } catch (const vigil::host::YamlError& e) {
        CHECK(e.line() == 5000);
        CHECK(e.message() == "invalid leading UTF-8 octet (byte 0xff)");
    }
}

TEST_CASE("yaml document: scalars of any length and content come back whole") {
    const std::string big(300'000, 'x');
    const std::string text = "short: a\nempty: \"\"\nbig: " + big + "\nmiddle: \"" + std::string(200, 'y') +
                             "\"\nescaped: \"tab\\there\\u00e9\"\n";
    const YamlDocument doc(text);
    const YamlNode root = doc.Root();
    CHECK(root["short"].Scalar() == "a");
    CHECK(root["empty"].IsScalar());
    CHECK(root["empty"].Scalar().empty());
    CHECK(root["big"].Scalar() == big);
    CHECK(root["middle"].Scalar() == std::string(200, 'y'));
    CHECK(root["escaped"].Scalar() == "tab\there\xc3\xa9");
}
