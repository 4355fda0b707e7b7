#include "gzip_check.hpp"

#include "format_gate.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vigil::plugins {
namespace {

constexpr CompressedFormat kGzip{"gzip", ".gz", "\x1F\x8B"};

// zlib counts input in uInt; larger updates are fed in slices of this size.
constexpr std::size_t kMaxSlice = std::size_t{1} << 30;
constexpr std::size_t kOutputSize = std::size_t{64} << 10;

// Inflates the stream and throws the output away: decompressing is the only
// way to verify the deflate data and each member's CRC-32 and length.
class GzipFile : public IntegrityCheck::File {
public:
    GzipFile() : output_(kOutputSize) {
        // 16 + MAX_WBITS: gzip wrapper only, so a raw zlib stream is refused.
        int status = inflateInit2(&stream_, 16 + MAX_WBITS);
        if (status == Z_MEM_ERROR) throw std::bad_alloc();
        if (status != Z_OK) throw std::runtime_error(std::string("gzip: inflateInit2 failed: ") + zError(status));
        watch_header();
    }
    ~GzipFile() override { inflateEnd(&stream_); }
    GzipFile(const GzipFile&) = delete;
    GzipFile& operator=(const GzipFile&) = delete;

    void update(const unsigned char* bytes, std::size_t length) override {
        while (length > 0 && !failure_) {
            std::size_t slice = std::min(length, kMaxSlice);
            inflate_slice(bytes, slice);
            bytes += slice;
            length -= slice;
        }
    }

    CheckResult finish(std::int64_t) override {
        CheckResult result;
        if (failure_) {
            result.message = *failure_;
        } else if (offset_ == member_start_) {
            result.passed = members_ > 0;
            if (!result.passed) result.message = "not a valid gzip stream: the file is empty";
        } else if (members_ > 0 && header_.done != 1) {
            result.message = trailing_garbage();
        } else {
            result.message = "truncated gzip stream (ended at byte " + std::to_string(offset_) + ")";
        }
        return result;
    }

private:
    // inflateReset forgets the header record, so it is attached again for
    // every member; header_.done tells whether the error is in a header.
    void watch_header() {
        header_ = gz_header{};
        if (inflateGetHeader(&stream_, &header_) != Z_OK) throw std::runtime_error("gzip: inflateGetHeader failed");
    }

    std::string trailing_garbage() const {
        return "trailing garbage after the last gzip member at byte " + std::to_string(member_start_);
    }

    void inflate_slice(const unsigned char* bytes, std::size_t length) {
        stream_.next_in = const_cast<Bytef*>(bytes);  // zlib's API is not const-correct; it never writes input
        stream_.avail_in = static_cast<uInt>(length);
        for (;;) {
            stream_.next_out = output_.data();
            stream_.avail_out = static_cast<uInt>(output_.size());
            uInt before = stream_.avail_in;
            int status = inflate(&stream_, Z_NO_FLUSH);
            offset_ += before - stream_.avail_in;
            if (status == Z_STREAM_END) {
                // A member ended; whatever follows must be another member.
                ++members_;
                member_start_ = offset_;
                if (inflateReset(&stream_) != Z_OK) throw std::runtime_error("gzip: inflateReset failed");
                watch_header();
                continue;
            }
            if (status == Z_DATA_ERROR) {
                fail(stream_.msg ? stream_.msg : "corrupt data");
                return;
            }
            if (status == Z_MEM_ERROR) throw std::bad_alloc();
            if (status == Z_BUF_ERROR) return;  // no progress possible: wants more input
            if (status != Z_OK) throw std::runtime_error(std::string("gzip: inflate failed: ") + zError(status));
            // All input used and the output not full: nothing is pending.
            if (stream_.avail_in == 0 && stream_.avail_out != 0) return;
        }
    }

    void fail(const std::string& reason) {
        if (header_.done != 1 && members_ > 0) {
            failure_ = trailing_garbage();
        } else {
            // A bad header is reported where its member starts: zlib has
            // already read past the offending bytes when it notices.
            std::uint64_t at = header_.done == 1 ? offset_ : member_start_;
            failure_ = "not a valid gzip stream: " + reason + " at byte " + std::to_string(at);
        }
    }

    z_stream stream_{};
    gz_header header_{};
    std::vector<unsigned char> output_;
    std::uint64_t offset_ = 0;        // input bytes consumed so far
    std::uint64_t member_start_ = 0;  // offset where the current member began
    unsigned members_ = 0;            // complete members seen
    std::optional<std::string> failure_;
};

}  // namespace

std::unique_ptr<IntegrityCheck::File> GzipCheck::begin(std::string_view file_name) {
    return gate_by_format(kGzip, file_name, [] { return std::make_unique<GzipFile>(); });
}

}  // namespace vigil::plugins
