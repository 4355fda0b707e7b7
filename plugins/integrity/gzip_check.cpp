#include "gzip_check.hpp"

#include "format_gate.hpp"
#include "isal_member.hpp"
#include "plugin_settings.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace vigil::plugins {
namespace {

constexpr CompressedFormat kGzip{"gzip", ".gz", "\x1F\x8B"};
constexpr const char* kInflaterSetting = "inflater";

constexpr std::pair<GzipInflater, std::string_view> kInflaterNames[] = {
    {GzipInflater::isal, "isal"},
    {GzipInflater::zlib, "zlib"},
};

// zlib and ISA-L count input in 32 bits; larger updates go in slices of this size.
constexpr std::size_t kMaxSlice = std::size_t{1} << 30;
// Where zlib's output goes to be thrown away (ISA-L has its own).
constexpr std::size_t kOutputSize = std::size_t{64} << 10;

// Inflates the stream and throws the output away: decompressing is the only
// way to verify the deflate data and each member's CRC-32 and length.
// zlib reads each member's header (ISA-L accepts reserved flag bits that
// zlib and gunzip refuse); the chosen inflater then takes the member's
// deflate data and trailer.
class GzipFile : public IntegrityCheck::File {
public:
    // zlib writes nothing while it reads a header: one byte of room is enough then.
    explicit GzipFile(GzipInflater inflater) : output_(inflater == GzipInflater::zlib ? kOutputSize : 1) {
        // 16 + MAX_WBITS: gzip wrapper only, so a raw zlib stream is refused.
        int status = inflateInit2(&stream_, 16 + MAX_WBITS);
        if (status == Z_MEM_ERROR) throw std::bad_alloc();
        if (status != Z_OK) throw std::runtime_error(std::string("gzip: inflateInit2 failed: ") + zError(status));
        if (inflater == GzipInflater::isal) isal_ = std::make_unique<IsalMember>();
        watch_header();
    }
    ~GzipFile() override { inflateEnd(&stream_); }
    GzipFile(const GzipFile&) = delete;
    GzipFile& operator=(const GzipFile&) = delete;

    void update(const unsigned char* bytes, std::size_t length) override {
        while (length > 0 && !failure_) {
            const std::size_t slice = std::min(length, kMaxSlice);
            const std::size_t used = in_header_ ? read_header(bytes, slice)
                                     : isal_  ? inflate_isal(bytes, slice)
                                              : inflate_zlib(bytes, slice);
            bytes += used;
            length -= used;
        }
    }

    CheckResult finish(std::int64_t) override {
        CheckResult result;
        if (failure_) {
            result.message = *failure_;
        } else if (offset_ == member_start_) {
            result.passed = members_ > 0;
            if (!result.passed) result.message = "not a valid gzip stream: the file is empty";
        } else if (members_ > 0 && in_header_) {
            result.message = trailing_garbage();
        } else {
            result.message = "truncated gzip stream (ended at byte " + std::to_string(offset_) + ")";
        }
        return result;
    }

private:
    // inflateReset forgets the header record, so it is attached again for
    // every member; header_.done tells when the header is complete.
    void watch_header() {
        header_ = gz_header{};
        if (inflateGetHeader(&stream_, &header_) != Z_OK) throw std::runtime_error("gzip: inflateGetHeader failed");
        in_header_ = true;
    }

    void end_member() {
        ++members_;
        member_start_ = offset_;
        if (inflateReset(&stream_) != Z_OK) throw std::runtime_error("gzip: inflateReset failed");
        watch_header();
    }

    std::string trailing_garbage() const {
        return "trailing garbage after the last gzip member at byte " + std::to_string(member_start_);
    }

    // Feeds zlib until the member's header is complete (Z_BLOCK stops it
    // there, before any deflate data) or the input runs out. Returns the
    // bytes used.
    std::size_t read_header(const unsigned char* bytes, std::size_t length) {
        stream_.next_in = const_cast<Bytef*>(bytes);  // zlib's API is not const-correct; it never writes input
        stream_.avail_in = static_cast<uInt>(length);
        stream_.next_out = output_.data();
        stream_.avail_out = static_cast<uInt>(output_.size());
        const int status = inflate(&stream_, Z_BLOCK);
        const std::size_t used = length - stream_.avail_in;
        offset_ += used;
        if (status == Z_DATA_ERROR) {
            fail(stream_.msg ? stream_.msg : "corrupt header");
        } else if (status == Z_MEM_ERROR) {
            throw std::bad_alloc();
        } else if (status != Z_OK && status != Z_BUF_ERROR) {
            throw std::runtime_error(std::string("gzip: inflate failed: ") + zError(status));
        } else if (header_.done == 1) {
            in_header_ = false;
            if (isal_) isal_->start();
        }
        return used;
    }

    // Inflates the member's deflate data and trailer with zlib, up to the
    // member's end or the end of the input. Returns the bytes used.
    std::size_t inflate_zlib(const unsigned char* bytes, std::size_t length) {
        stream_.next_in = const_cast<Bytef*>(bytes);
        stream_.avail_in = static_cast<uInt>(length);
        for (;;) {
            stream_.next_out = output_.data();
            stream_.avail_out = static_cast<uInt>(output_.size());
            const int status = inflate(&stream_, Z_NO_FLUSH);
            const std::size_t used = length - stream_.avail_in;
            if (status == Z_STREAM_END) {
                offset_ += used;
                end_member();
                return used;
            }
            if (status == Z_DATA_ERROR) {
                offset_ += used;
                fail(stream_.msg ? stream_.msg : "corrupt data");
                return used;
            }
            if (status == Z_MEM_ERROR) throw std::bad_alloc();
            if (status != Z_OK && status != Z_BUF_ERROR) {
                throw std::runtime_error(std::string("gzip: inflate failed: ") + zError(status));
            }
            // All input used and the output not full: nothing is pending.
            // (Z_BUF_ERROR: no progress possible, more input wanted.)
            if (status == Z_BUF_ERROR || (stream_.avail_in == 0 && stream_.avail_out != 0)) {
                offset_ += used;
                return used;
            }
        }
    }

    // The same with ISA-L.
    std::size_t inflate_isal(const unsigned char* bytes, std::size_t length) {
        const IsalMember::Step step = isal_->feed(bytes, length);
        offset_ += step.used;
        if (step.outcome == IsalMember::Outcome::failed) fail(isal_->reason());
        if (step.outcome == IsalMember::Outcome::member_end) end_member();
        return step.used;
    }

    void fail(const std::string& reason) {
        if (in_header_ && members_ > 0) {
            failure_ = trailing_garbage();
        } else if (in_header_) {
            // A bad header is reported where its member starts: zlib has
            // already read past the offending bytes when it notices.
            failure_ = "not a valid gzip stream: " + reason + " at byte " + std::to_string(member_start_);
        } else if (isal_) {
            // ISA-L reads ahead by whole words and buffers block headers, so
            // where it stopped depends on how the file is cut into updates;
            // the member is the most precise place that does not.
            failure_ = "not a valid gzip stream: " + reason + " in the member starting at byte " +
                       std::to_string(member_start_);
        } else {
            failure_ = "not a valid gzip stream: " + reason + " at byte " + std::to_string(offset_);
        }
    }

    z_stream stream_{};
    gz_header header_{};
    std::unique_ptr<IsalMember> isal_;  // null: zlib inflates the members too
    std::vector<unsigned char> output_;
    bool in_header_ = true;           // reading a member's header (with zlib)
    std::uint64_t offset_ = 0;        // input bytes consumed so far
    std::uint64_t member_start_ = 0;  // offset where the current member began
    unsigned members_ = 0;            // complete members seen
    std::optional<std::string> failure_;
};

}  // namespace

std::string_view inflater_name(GzipInflater inflater) {
    for (const auto& [value, name] : kInflaterNames) {
        if (value == inflater) return name;
    }
    throw std::logic_error("gzip: unnamed inflater");
}

void GzipCheck::configure(const Config& config) {
    settings::refuse_unknown(config, {kInflaterSetting});
    const std::optional<std::string> value = settings::optional_string(config, kInflaterSetting);
    if (!value) return;
    for (const auto& [inflater, name] : kInflaterNames) {
        if (*value == name) {
            inflater_ = inflater;
            return;
        }
    }
    std::string known;
    for (const auto& [inflater, name] : kInflaterNames) {
        known += (known.empty() ? "`" : ", `") + std::string(name) + "`";
    }
    settings::refuse(kInflaterSetting, "\"" + *value + "\" is not an inflater (known: " + known + ")");
}

std::unique_ptr<IntegrityCheck::File> GzipCheck::begin(std::string_view file_name) {
    const GzipInflater inflater = inflater_;
    return gate_by_format(kGzip, file_name, [inflater] { return std::make_unique<GzipFile>(inflater); });
}

}  // namespace vigil::plugins
