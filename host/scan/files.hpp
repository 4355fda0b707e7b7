// File access that never follows a symbolic link and never opens a FIFO
// or device (docs/storage-layout.md): every open is checked against an lstat.
#ifndef VIGIL_HOST_FILES_HPP
#define VIGIL_HOST_FILES_HPP

#include "status.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace vigil::host {

enum class FileKind { kMissing, kRegular, kDirectory, kSymlink, kOther, kError };

// What lstat says the path is (kError when lstat fails for another reason than absence).
FileKind file_kind(const std::filesystem::path& path);
// "symbolic link", "directory", "FIFO, socket or device", ...
std::string describe(FileKind kind);

// Opens a regular file without following symlinks and without blocking on
// FIFOs, then streams it through `consume` in chunks. Fails with a message
// naming the path: kNotFound when it no longer exists, kIo when it is not a
// regular file or cannot be read.
// *size receives the number of bytes read.
Status stream_regular_file(const std::filesystem::path& path,
                           const std::function<void(const unsigned char*, std::size_t)>& consume,
                           std::int64_t* size);

// Reads a whole regular file (see stream_regular_file).
Status read_regular_file(const std::filesystem::path& path, std::string* bytes);

// A name made safe for a log line: control bytes, '\\' and bytes that are
// not printable ASCII are shown as \xNN.
std::string printable(std::string_view name);

}  // namespace vigil::host

#endif
