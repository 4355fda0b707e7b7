// Which files a decompressing check applies to, so that checks of several
// formats can share one configuration: a check tests a file whose first
// bytes are its format's magic number, or whose name ends in its extension
// (any case). Any other file passes with a short note and is not read.
#ifndef VIGIL_PLUGINS_FORMAT_GATE_HPP
#define VIGIL_PLUGINS_FORMAT_GATE_HPP

#include <vigil/plugin.hpp>

#include <functional>
#include <memory>
#include <string_view>

namespace vigil::plugins {

struct CompressedFormat {
    std::string_view name;       // "gzip": used in the note of a file not checked
    std::string_view extension;  // ".gz", compared case-insensitively
    std::string_view magic;      // the first bytes of every file of the format
    // The three views must outlive every check begun with the format: static text.
};

// The check of file_name by the format's decoder, which make_decoder builds
// only when the file turns out to be of the format. The name decides at
// once; otherwise the decision waits for the magic number's bytes, however
// the file is cut into updates.
std::unique_ptr<IntegrityCheck::File> gate_by_format(
    const CompressedFormat& format, std::string_view file_name,
    const std::function<std::unique_ptr<IntegrityCheck::File>()>& make_decoder);

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_FORMAT_GATE_HPP
