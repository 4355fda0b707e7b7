// The gzip check gives the same verdict whichever library inflates: one
// corpus of valid, damaged, cut-short and foreign files, made here with
// zlib and ISA-L, goes through both inflaters in updates of several sizes.
#include "gzip_check.hpp"

#include "check_support.hpp"
#include "sql_dump.hpp"

#include <catch2/catch.hpp>
#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

using vigil::CheckResult;
using vigil::plugins::GzipCheck;
using vigil::plugins::GzipInflater;
using vigil::test::sample;

namespace {

// For reproducible damage and cuts.
using Random = vigil::test::SplitMix64;

struct Deflate {
    int level = 6;
    int strategy = Z_DEFAULT_STRATEGY;
    std::size_t flush_every = 0;  // > 0: a flush after every so many input bytes
    int flush = Z_FULL_FLUSH;     // Z_SYNC_FLUSH keeps the history: matches reach into earlier blocks
    bool header_fields = false;   // FTEXT, FEXTRA, FNAME, FCOMMENT and FHCRC all set
};

// One gzip member made by zlib's deflate.
std::string zlib_member(const std::string& data, const Deflate& options = {}) {
    z_stream stream{};
    if (deflateInit2(&stream, options.level, Z_DEFLATED, 16 + MAX_WBITS, 8, options.strategy) != Z_OK) {
        throw std::runtime_error("deflateInit2 failed");
    }
    gz_header header{};
    std::string extra("VG\x04\x00test", 8);  // one subfield: id, length, data
    char name[] = "orders.sql";
    char comment[] = "nightly dump";
    if (options.header_fields) {
        header.text = 1;
        header.extra = reinterpret_cast<Bytef*>(extra.data());
        header.extra_len = static_cast<uInt>(extra.size());
        header.name = reinterpret_cast<Bytef*>(name);
        header.comment = reinterpret_cast<Bytef*>(comment);
        header.hcrc = 1;
        if (deflateSetHeader(&stream, &header) != Z_OK) throw std::runtime_error("deflateSetHeader failed");
    }
    std::string out(deflateBound(&stream, data.size()) + 1024 + data.size() / 100, '\0');
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    std::size_t at = 0;
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        const std::size_t step = options.flush_every > 0 ? options.flush_every : data.size();
        const std::size_t take = std::min(step, data.size() - at);
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + at));
        stream.avail_in = static_cast<uInt>(take);
        at += take;
        status = deflate(&stream, at == data.size() ? Z_FINISH : options.flush);
        if (status != Z_OK && status != Z_STREAM_END) throw std::runtime_error("deflate failed");
    }
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

// One gzip member made by ISA-L's isal_deflate at `level` (0 to 3).
std::string isal_member(const std::string& data, int level) {
    isal_zstream stream;
    isal_deflate_init(&stream);
    std::vector<std::uint8_t> level_buffer(ISAL_DEF_LVL3_DEFAULT);
    stream.level = static_cast<std::uint32_t>(level);
    stream.level_buf = level_buffer.data();
    stream.level_buf_size = static_cast<std::uint32_t>(level_buffer.size());
    stream.gzip_flag = IGZIP_GZIP;
    stream.end_of_stream = 1;
    stream.flush = NO_FLUSH;
    stream.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<std::uint32_t>(data.size());
    std::string out(data.size() + data.size() / 8 + 1024, '\0');
    stream.next_out = reinterpret_cast<std::uint8_t*>(out.data());
    stream.avail_out = static_cast<std::uint32_t>(out.size());
    if (isal_deflate(&stream) != COMP_OK || stream.internal_state.state != ZSTATE_END) {
        throw std::runtime_error("isal_deflate failed");
    }
    out.resize(stream.total_out);
    return out;
}

// Writes a deflate stream bit by bit, to make blocks no compressor writes.
class Bits {
public:
    // `count` bits of `value`, least significant first (header fields, extra bits).
    void put(std::uint32_t value, int count) {
        for (int i = 0; i < count; ++i) push((value >> i) & 1);
    }
    // A Huffman code of `length` bits, most significant first.
    void code(std::uint32_t value, int length) {
        for (int i = length - 1; i >= 0; --i) push((value >> i) & 1);
    }
    std::string bytes() const { return data_; }

private:
    void push(std::uint32_t bit) {
        if (used_ % 8 == 0) data_ += '\0';
        data_.back() = static_cast<char>(data_.back() | (bit << (used_ % 8)));
        ++used_;
    }
    std::string data_;
    std::size_t used_ = 0;
};

const std::string kPlainHeader("\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03", 10);

// A gzip member around raw deflate data, with the CRC-32 and length of `content`.
std::string wrap(const std::string& deflate, const std::string& content) {
    std::string member = kPlainHeader + deflate;
    const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(content.data()), static_cast<uInt>(content.size()));
    for (int shift = 0; shift < 32; shift += 8) member += static_cast<char>((crc >> shift) & 0xFF);
    for (int shift = 0; shift < 32; shift += 8) member += static_cast<char>((content.size() >> shift) & 0xFF);
    return member;
}

// A final fixed-Huffman block: `literals`, then a match, then end of block.
std::string fixed_block(const std::string& literals, int length_symbol, int distance_symbol) {
    Bits bits;
    bits.put(1, 1);  // BFINAL
    bits.put(1, 2);  // BTYPE 01: fixed Huffman codes
    for (unsigned char c : literals) {
        if (c < 144) bits.code(0x30 + c, 8);
        else bits.code(0x190 + c - 144, 9);
    }
    if (length_symbol >= 0) {
        if (length_symbol < 280) bits.code(static_cast<std::uint32_t>(length_symbol - 256), 7);
        else bits.code(static_cast<std::uint32_t>(0xC0 + length_symbol - 280), 8);
        bits.code(static_cast<std::uint32_t>(distance_symbol), 5);
        // Symbols used here have no extra bits except distance 4+ (left 0).
        if (distance_symbol >= 4) bits.put(0, (distance_symbol - 2) / 2);
    }
    bits.code(0, 7);  // end of block (256)
    return bits.bytes();
}

// A final dynamic block holding "aaa" whose literal/length code gives 'a'
// one bit and end-of-block two: incomplete (the code 11 is unused), which
// zlib and gunzip refuse and ISA-L accepts. `oversubscribe` gives 'a' and
// end-of-block one bit each and a third symbol one bit too: invalid for both.
std::string dynamic_aaa(bool oversubscribe) {
    Bits bits;
    bits.put(1, 1);   // BFINAL
    bits.put(2, 2);   // BTYPE 10: dynamic Huffman codes
    bits.put(0, 5);   // HLIT: 257 literal/length codes
    bits.put(0, 5);   // HDIST: 1 distance code
    bits.put(14, 4);  // HCLEN: 18 code length codes
    // Code length code, in the order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1:
    // symbol 18 (a run of zeros) one bit (0), symbols 1 and 2 two bits (10, 11).
    const int lengths[18] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2};
    for (int length : lengths) bits.put(static_cast<std::uint32_t>(length), 3);
    auto zeros = [&bits](int count) {
        bits.code(0, 1);
        bits.put(static_cast<std::uint32_t>(count - 11), 7);
    };
    auto one = [&bits] { bits.code(2, 2); };
    auto two = [&bits] { bits.code(3, 2); };
    zeros(97);  // literals 0..96
    one();      // 'a' (97)
    if (oversubscribe) {
        one();  // 'b' (98) as well
        zeros(138);
        zeros(19);  // 99..255
        one();      // end of block
    } else {
        zeros(138);
        zeros(20);  // 98..255
        two();      // end of block
    }
    one();  // distance code 0: a single one-bit code, which zlib allows
    // The data: 'a' is 0; end of block is 10 (or 1 when oversubscribed).
    bits.code(0, 1);
    bits.code(0, 1);
    bits.code(0, 1);
    if (oversubscribe) bits.code(1, 1);
    else bits.code(2, 2);
    return bits.bytes();
}

CheckResult run(GzipInflater inflater, const std::string& data, std::size_t chunk, std::uint64_t seed = 0) {
    GzipCheck check(inflater);
    auto file = check.begin("db.sql.gz");
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    Random random{seed};
    for (std::size_t at = 0; at < data.size();) {
        // chunk 0: random sizes from 1 byte to 64 KiB
        const std::size_t size = std::min(chunk > 0 ? chunk : 1 + random.below(65536), data.size() - at);
        file->update(bytes + at, size);
        at += size;
    }
    return file->finish(static_cast<std::int64_t>(data.size()));
}

// What a result says, without the library's wording or offsets.
std::string verdict(const CheckResult& result) {
    if (result.passed) return "passed";
    for (const char* kind : {"not a valid gzip stream: the file is empty", "truncated gzip stream",
                             "trailing garbage after the last gzip member", "not a valid gzip stream"}) {
        if (result.message.rfind(kind, 0) == 0) return kind;
    }
    return "unexpected message: " + result.message;
}

struct Case {
    std::string name;
    std::string data;
    bool several_members = false;  // cut at a member's end, it is still valid
};

// Files up to this size are also fed 7 bytes at a time.
constexpr std::size_t kSevenByteUpdatesUpTo = 200000;

// Both inflaters give the same verdict on `data`, in one update and cut
// several ways; each gives the same message however the file is cut.
// Returns the verdict.
std::string same_verdict(const Case& file, std::size_t seven_byte_updates_up_to = kSevenByteUpdatesUpTo) {
    INFO(file.name << " (" << file.data.size() << " bytes)");
    std::vector<std::size_t> chunks = {file.data.size() + 1, 4096, 0};
    if (file.data.size() <= 20000) chunks.push_back(1);
    if (file.data.size() <= seven_byte_updates_up_to) chunks.push_back(7);
    const CheckResult isal = run(GzipInflater::isal, file.data, chunks[0]);
    const CheckResult zlib = run(GzipInflater::zlib, file.data, chunks[0]);
    INFO("ISA-L: " << isal.message);
    INFO("zlib: " << zlib.message);
    CHECK(isal.passed == zlib.passed);
    // ISA-L reads a trailer whole before it checks it, zlib checks the
    // CRC-32 before reading the length: a file that ends inside a bad
    // trailer is cut short for the one, damaged for the other.
    const std::string bad_crc = "not a valid gzip stream: incorrect data check at byte ";
    const bool ends_in_bad_trailer = verdict(isal) == "truncated gzip stream" && zlib.message.rfind(bad_crc, 0) == 0 &&
                                     std::stoull(zlib.message.substr(bad_crc.size())) + 8 > file.data.size();
    if (!ends_in_bad_trailer) CHECK(verdict(isal) == verdict(zlib));
    for (std::size_t i = 1; i < chunks.size(); ++i) {
        INFO("updates of " << (chunks[i] == 0 ? std::string("random sizes") : std::to_string(chunks[i]) + " bytes"));
        for (GzipInflater inflater : {GzipInflater::isal, GzipInflater::zlib}) {
            const CheckResult split = run(inflater, file.data, chunks[i], i);
            const CheckResult& whole = inflater == GzipInflater::isal ? isal : zlib;
            INFO(vigil::plugins::inflater_name(inflater) << ": " << split.message);
            CHECK(split.passed == whole.passed);
            CHECK(split.message == whole.message);
        }
    }
    return verdict(isal);
}

// Valid files of every shape the check meets.
std::vector<Case> valid_files() {
    const std::string dump = vigil::test::sql_dump(3000000);
    const std::string small = sample(40000);
    std::string random_bytes;
    Random random{7};
    while (random_bytes.size() < 150000) random_bytes += static_cast<char>(random.next() & 0xFF);
    // 32 KiB of noise said twice: matches at the longest distance deflate allows.
    const std::string window_repeat = random_bytes.substr(0, 32768) + random_bytes.substr(0, 32768);
    std::vector<Case> files = {
        {"SQL dump, 3 MB, zlib level 6", zlib_member(dump, {6})},
        {"SQL dump, 1 MB, zlib level 9", zlib_member(dump.substr(0, 1000000), {9})},
        {"SQL dump, 1 MB, ISA-L level 0", isal_member(dump.substr(0, 1000000), 0)},
        {"SQL dump, 1 MB, ISA-L level 1", isal_member(dump.substr(0, 1000000), 1)},
        {"SQL dump, 1 MB, ISA-L level 3", isal_member(dump.substr(0, 1000000), 3)},
        {"SQL dump in three members",
         zlib_member(dump.substr(0, 300000)) + isal_member(dump.substr(300000, 300000), 2) +
             zlib_member(dump.substr(600000, 100000), {1}),
         true},
        {"sample, zlib level 1", zlib_member(small, {1})},
        {"stored blocks (level 0)", zlib_member(small, {0})},
        {"fixed Huffman blocks", zlib_member(small, {6, Z_FIXED})},
        {"Huffman only", zlib_member(small, {6, Z_HUFFMAN_ONLY})},
        {"run-length matches", zlib_member(small, {6, Z_RLE})},
        {"full flush every 1000 bytes", zlib_member(small, {6, Z_DEFAULT_STRATEGY, 1000})},
        {"SQL dump, sync flush every 700 bytes",
         zlib_member(dump.substr(0, 300000), {6, Z_DEFAULT_STRATEGY, 700, Z_SYNC_FLUSH})},
        {"incompressible bytes", zlib_member(random_bytes)},
        {"matches 32 KiB back", isal_member(window_repeat, 3)},
        {"matches 32 KiB back, zlib", zlib_member(window_repeat, {9})},
        {"every header field", zlib_member(small, {6, Z_DEFAULT_STRATEGY, 0, Z_FULL_FLUSH, true})},
        {"empty content", zlib_member("")},
        {"empty content, ISA-L", isal_member("", 1)},
        {"members with empty ones between",
         zlib_member("first") + zlib_member("") + zlib_member("") + isal_member("second", 1) + zlib_member("third"),
         true},
        {"header fields on the second member",
         zlib_member("first") + zlib_member(small, {6, Z_DEFAULT_STRATEGY, 0, Z_FULL_FLUSH, true}), true},
        {"hand-made fixed block", wrap(fixed_block("abc", 257, 0), "abcccc")},
    };
    return files;
}

}  // namespace

TEST_CASE("both inflaters pass the same valid files") {
    for (const Case& file : valid_files()) CHECK(same_verdict(file) == "passed");
}

TEST_CASE("both inflaters fail the same cut-short files") {
    for (const Case& file : valid_files()) {
        std::vector<std::size_t> cuts;
        if (file.data.size() <= 3000) {
            for (std::size_t cut = 1; cut < file.data.size(); ++cut) cuts.push_back(cut);
        } else {
            cuts = {1, 2, 9, 10, 11, 12, 20, 100, file.data.size() / 3, file.data.size() / 2};
            for (std::size_t back = 1; back <= 9; ++back) cuts.push_back(file.data.size() - back);
        }
        for (std::size_t cut : cuts) {
            INFO("cut after " << cut << " bytes");
            const std::string result = same_verdict({file.name + ", cut short", file.data.substr(0, cut)});
            if (!file.several_members) CHECK(result != "passed");
        }
    }
}

TEST_CASE("both inflaters fail the same damaged files") {
    // Each update makes ISA-L keep its 32 KiB window again. Under
    // AddressSanitizer that copy goes byte by byte (its memmove), and 7-byte
    // updates of the hundred damaged copies of every file up to 200,000
    // bytes took two minutes. The other tests still feed those files 7 bytes
    // at a time; here only the smaller ones are.
    constexpr std::size_t seven_byte_updates_up_to = 50000;
    for (const Case& file : valid_files()) {
        Random random{file.data.size()};
        std::vector<std::size_t> places;
        for (std::size_t at = 0; at < std::min<std::size_t>(file.data.size(), 48); ++at) places.push_back(at);
        for (std::size_t back = 1; back <= 8; ++back) places.push_back(file.data.size() - back);  // the trailer
        const std::size_t spread = file.data.size() > 500000 ? 12 : 60;
        for (std::size_t i = 0; i < spread; ++i) places.push_back(random.below(file.data.size()));
        for (std::size_t at : places) {
            std::string damaged = file.data;
            const auto flip = static_cast<char>(1 << random.below(8));
            damaged[at] = static_cast<char>(damaged[at] ^ flip);
            INFO("bit flipped at byte " << at);
            same_verdict({file.name + ", damaged", damaged}, seven_byte_updates_up_to);
        }
        std::string zeroed = file.data;
        const std::size_t from = file.data.size() / 2;
        for (std::size_t at = from; at < std::min(file.data.size(), from + 64); ++at) zeroed[at] = '\0';
        same_verdict({file.name + ", 64 bytes zeroed", zeroed}, seven_byte_updates_up_to);
    }
}

TEST_CASE("both inflaters judge the same bytes after the last member") {
    const std::string member = zlib_member(sample(20000), {6});
    std::string bad_method = zlib_member("second");
    bad_method[2] = 7;
    std::string reserved_flag = zlib_member("second");
    reserved_flag[3] = static_cast<char>(0x20);
    std::string bad_header_crc = zlib_member("second", {6, Z_DEFAULT_STRATEGY, 0, Z_FULL_FLUSH, true});
    const std::size_t hcrc_at = bad_header_crc.find("nightly dump") + 13;
    bad_header_crc[hcrc_at] = static_cast<char>(bad_header_crc[hcrc_at] ^ 1);
    const std::vector<std::string> tails = {
        "garbage", "\n", std::string(512, '\0'), "\x1F", "\x1F\x8B", "\x1F\x8B\x08", kPlainHeader,
        kPlainHeader + "\x07",  // a complete header, then a block of the reserved type
        bad_method, reserved_flag, bad_header_crc, zlib_member("second").substr(0, 15),
        member,  // a second valid member
    };
    for (const std::string& tail : tails) {
        for (const std::string& first : {member, isal_member(sample(20000), 1)}) {
            INFO("tail of " << tail.size() << " bytes");
            same_verdict({"member and tail", first + tail});
        }
    }
}

TEST_CASE("both inflaters refuse the same headers and foreign files") {
    const std::string member = zlib_member(sample(5000));
    std::vector<Case> files = {
        {"empty", ""},
        {"one byte", "x"},
        {"plain SQL", vigil::test::sql_dump(5000)},
        {"zlib stream", [] {
             std::string out(compressBound(5000), '\0');
             uLongf size = out.size();
             const std::string text = sample(5000);
             compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(text.data()),
                      text.size());
             out.resize(size);
             return out;
         }()},
        {"raw deflate", member.substr(10, member.size() - 18)},
        {"zstd frame", vigil::test::zstd_frame(sample(5000))},
    };
    for (int flag : {0x20, 0x40, 0x80}) {
        std::string reserved = member;
        reserved[3] = static_cast<char>(flag);
        files.push_back({"reserved flag " + std::to_string(flag), reserved});
    }
    for (int method : {0, 7, 9}) {
        std::string other = member;
        other[2] = static_cast<char>(method);
        files.push_back({"method " + std::to_string(method), other});
    }
    std::string fields = zlib_member(sample(5000), {6, Z_DEFAULT_STRATEGY, 0, Z_FULL_FLUSH, true});
    const std::size_t hcrc_at = fields.find("nightly dump") + 13;
    for (std::size_t at = 3; at <= hcrc_at + 1; ++at) {
        std::string damaged = fields;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
        files.push_back({"header field byte " + std::to_string(at) + " changed", damaged});
    }
    std::string extra_too_long = fields;
    extra_too_long[10] = static_cast<char>(0xFF);  // FEXTRA's length runs past the file
    extra_too_long[11] = static_cast<char>(0xFF);
    files.push_back({"extra field longer than the file", extra_too_long});
    for (const Case& file : files) CHECK(same_verdict(file) != "passed");
}

TEST_CASE("both inflaters refuse the same invalid deflate data") {
    std::string nlen = zlib_member("stored", {0});
    nlen[13] = static_cast<char>(nlen[13] ^ 1);  // LEN no longer the complement of NLEN
    const std::vector<Case> files = {
        {"block of the reserved type", wrap(std::string("\x07\x00", 2), "")},
        {"stored block lengths that disagree", nlen},
        {"distance before the start", wrap(fixed_block("", 257, 0), "aaa")},
        {"distance past the first bytes", wrap(fixed_block("ab", 257, 2), "ababa")},
        {"literal/length symbol 286", wrap(fixed_block("a", 286, 0), "a")},
        {"distance symbol 30", wrap(fixed_block("abcd", 257, 30), "abcdabc")},
        {"oversubscribed literal/length code", wrap(dynamic_aaa(true), "aaa")},
    };
    for (const Case& file : files) CHECK(same_verdict(file) == "not a valid gzip stream");
}

// ISA-L alone would pass these: it accepts a Huffman code that leaves
// codes unassigned as long as the data never uses them; zlib refuses it, as
// gunzip does. A single flipped bit in a real file can do that (a dummy
// distance code in a block with no matches).
TEST_CASE("an incomplete Huffman code fails with either inflater") {
    const std::string file = wrap(dynamic_aaa(false), "aaa");
    for (GzipInflater inflater : {GzipInflater::isal, GzipInflater::zlib}) {
        INFO(vigil::plugins::inflater_name(inflater));
        const CheckResult result = run(inflater, file, file.size());
        CHECK_FALSE(result.passed);
        CHECK_THAT(result.message, Catch::Matchers::StartsWith("not a valid gzip stream: invalid literal/lengths set"));
    }
    CHECK(same_verdict({"incomplete literal/length code", file}) == "not a valid gzip stream");
}
