// The "zstd" integrity check: the staged file is one or more complete, valid
// zstd frames (skippable frames included) and nothing else, decoded with a
// window of at most 2^window_log_max bytes. Applies to files that start with
// the zstd magic number or are named *.zst (see format_gate.hpp).
#ifndef VIGIL_PLUGINS_ZSTD_CHECK_HPP
#define VIGIL_PLUGINS_ZSTD_CHECK_HPP

#include <vigil/plugin.hpp>

#include <memory>
#include <string_view>

namespace vigil::plugins {

class ZstdCheck : public vigil::IntegrityCheck {
public:
    // The setting `window_log_max`: the base-2 logarithm of the largest
    // decoding window a file may need (libzstd's ZSTD_d_windowLogMax).
    static constexpr int kDefaultWindowLogMax = 27;

    // Reads `window_log_max` (an integer within libzstd's bounds, 10..31 on
    // 64-bit systems); throws InvalidInput naming it, or an unknown setting.
    void configure(const Config& config) override;
    std::unique_ptr<File> begin(std::string_view file_name) override;

private:
    int window_log_max_ = kDefaultWindowLogMax;
};

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_ZSTD_CHECK_HPP
