#include "zstd_check.hpp"

#include "format_gate.hpp"
#include "plugin_settings.hpp"

#include <zstd.h>
#include <zstd_errors.h>

#include <cstdint>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vigil::plugins {
namespace {

constexpr CompressedFormat kZstd{"zstd", ".zst", "\x28\xB5\x2F\xFD"};
constexpr std::size_t kMagicSize = 4;
constexpr std::size_t kMaxFrameHeader = 18;  // the longest frame header the format allows
constexpr const char* kWindowSetting = "window_log_max";

struct DCtxFree {
    void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

// The magic numbers a frame starts with: the zstd frame's, or a skippable
// frame's (50..5F 2A 4D 18, which libzstd skips).
bool could_start_frame(const std::string& head) {
    if (kZstd.magic.substr(0, head.size()) == head) return true;
    constexpr std::string_view kSkippableTail = "\x2A\x4D\x18";
    const auto first = static_cast<unsigned char>(head[0]);
    return (first & 0xF0) == 0x50 && kSkippableTail.substr(0, head.size() - 1) == head.substr(1);
}

std::string window_text(int window_log) {
    const std::uint64_t bytes = std::uint64_t{1} << window_log;
    const std::string size = bytes >= (1u << 20) ? std::to_string(bytes >> 20) + " MiB"
                                                  : std::to_string(bytes >> 10) + " KiB";
    return "2^" + std::to_string(window_log) + " bytes (" + size + ")";
}

// Decompresses the stream and throws the output away through one fixed
// buffer: decoding is the only way to verify the blocks, each frame's
// declared content size and, when the frame has one, its checksum.
class ZstdFile : public IntegrityCheck::File {
public:
    explicit ZstdFile(int window_log_max)
        : context_(ZSTD_createDCtx()), output_(ZSTD_DStreamOutSize()), window_log_max_(window_log_max) {
        if (!context_) throw std::bad_alloc();
        const std::size_t status = ZSTD_DCtx_setParameter(context_.get(), ZSTD_d_windowLogMax, window_log_max);
        if (ZSTD_isError(status)) {
            throw std::runtime_error(std::string("zstd: cannot set the window limit: ") + ZSTD_getErrorName(status));
        }
    }

    void update(const unsigned char* bytes, std::size_t length) override {
        std::size_t at = 0;
        // libzstd consumes a frame's last byte only once all its output is
        // flushed, so running until the input is used up is enough.
        while (at < length && !failure_) {
            // Given a whole frame and room for its content, libzstd decodes
            // it in one pass that skips the window limit, so a small frame
            // would pass or fail depending on how the file is cut into
            // updates. The first bytes of every frame, its header among
            // them, go in one at a time: it never has a frame whole then.
            ZSTD_inBuffer input{bytes + at, header_bytes_left_ > 0 ? 1 : length - at, 0};
            ZSTD_outBuffer output{output_.data(), output_.size(), 0};
            const std::size_t status = ZSTD_decompressStream(context_.get(), &output, &input);
            remember_head(bytes + at, input.pos);
            at += input.pos;
            offset_ += input.pos;
            header_bytes_left_ -= std::min(header_bytes_left_, input.pos);
            if (ZSTD_isError(status)) {
                fail(status);
            } else if (status == 0) {
                ++frames_;
                frame_start_ = offset_;
                head_.clear();
                header_bytes_left_ = kMaxFrameHeader;
            }
        }
    }

    CheckResult finish(std::int64_t) override {
        CheckResult result;
        if (failure_) {
            result.message = *failure_;
        } else if (offset_ == 0) {
            result.message = "not a valid zstd stream: the file is empty";
        } else if (offset_ == frame_start_) {
            result.passed = true;
        } else if (!could_start_frame(head_)) {
            result.message = frames_ > 0 ? trailing_garbage() : not_zstd();
        } else {
            result.message = "truncated zstd stream (ended at byte " + std::to_string(offset_) + ")";
        }
        return result;
    }

private:
    static std::string not_zstd() {
        return "not a valid zstd stream: " + std::string(ZSTD_getErrorString(ZSTD_error_prefix_unknown)) + " at byte 0";
    }

    // The first bytes of the current frame, to tell a cut-short frame from a
    // few bytes of garbage when the file ends.
    void remember_head(const unsigned char* bytes, std::size_t length) {
        if (head_.size() >= kMagicSize) return;
        head_.append(reinterpret_cast<const char*>(bytes), std::min(length, kMagicSize - head_.size()));
    }

    std::string trailing_garbage() const {
        return "trailing garbage after the last zstd frame at byte " + std::to_string(frame_start_);
    }

    void fail(std::size_t status) {
        const ZSTD_ErrorCode code = ZSTD_getErrorCode(status);
        if (code == ZSTD_error_memory_allocation) throw std::bad_alloc();
        if (code == ZSTD_error_prefix_unknown) {
            failure_ = frames_ > 0 ? trailing_garbage() : not_zstd();
        } else if (code == ZSTD_error_frameParameter_windowTooLarge) {
            failure_ = "the zstd frame at byte " + std::to_string(frame_start_) +
                       " needs a decoding window larger than " + window_text(window_log_max_) +
                       ", the limit set by the setting `" + kWindowSetting + "`";
        } else {
            // libzstd reads ahead within a frame, so the frame is the most
            // precise place that can be named.
            failure_ = "not a valid zstd stream: " + std::string(ZSTD_getErrorName(status)) +
                       " in the frame starting at byte " + std::to_string(frame_start_);
        }
    }

    std::unique_ptr<ZSTD_DCtx, DCtxFree> context_;
    std::vector<unsigned char> output_;
    int window_log_max_;
    std::uint64_t offset_ = 0;       // input bytes consumed so far
    std::uint64_t frame_start_ = 0;  // offset where the current frame began
    unsigned frames_ = 0;            // complete frames seen
    std::string head_;               // first bytes of the current frame (at most kMagicSize)
    std::size_t header_bytes_left_ = kMaxFrameHeader;  // of the current frame, fed one at a time
    std::optional<std::string> failure_;
};

}  // namespace

void ZstdCheck::configure(const Config& config) {
    settings::refuse_unknown(config, {kWindowSetting});
    const ZSTD_bounds bounds = ZSTD_dParam_getBounds(ZSTD_d_windowLogMax);
    if (ZSTD_isError(bounds.error)) throw std::runtime_error("zstd: cannot read the bounds of the window limit");
    window_log_max_ = static_cast<int>(settings::integer_setting(config, kWindowSetting, kDefaultWindowLogMax,
                                                                 bounds.lowerBound, bounds.upperBound));
}

std::unique_ptr<IntegrityCheck::File> ZstdCheck::begin(std::string_view file_name) {
    const int window_log_max = window_log_max_;
    return gate_by_format(kZstd, file_name, [window_log_max] { return std::make_unique<ZstdFile>(window_log_max); });
}

}  // namespace vigil::plugins
