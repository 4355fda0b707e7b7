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
        if (failure_) return;
        ZSTD_inBuffer input{bytes, length, 0};
        // libzstd consumes a frame's last byte only once all its output is
        // flushed, so running until the input is used up is enough.
        while (input.pos < input.size) {
            // Given room for a small frame's whole content, libzstd decodes
            // it in one pass without applying the window limit, so the
            // verdict would depend on how the file is cut into updates. At a
            // frame's start it gets no room until it has read the header.
            const bool at_header = header_pending_;
            ZSTD_outBuffer output{output_.data(), at_header ? 0 : output_.size(), 0};
            const std::size_t before = input.pos;
            const std::size_t status = ZSTD_decompressStream(context_.get(), &output, &input);
            remember_head(bytes + before, input.pos - before);
            offset_ += input.pos - before;
            if (ZSTD_isError(status)) {
                fail(status);
                return;
            }
            if (status == 0) {
                ++frames_;
                frame_start_ = offset_;
                head_.clear();
                header_pending_ = true;
            } else if (at_header && input.pos < input.size) {
                header_pending_ = false;  // it stopped for want of output: the header is behind it
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
    bool header_pending_ = true;     // the current frame's header may not be read yet
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
