// File access under the storage root, where agents write and are not
// trusted. Every file and folder is reached relative to an open handle of
// its parent directory, one path component at a time, never through a
// symbolic link; what a name is (type, size, age) is judged with fstat on
// the descriptor that is then read, so a name swapped between two steps is
// either refused or read as what it is now, never as what it was.
//
// Why per-component O_NOFOLLOW is enough (no openat2 RESOLVE_BENEATH): every
// open here names exactly one component (names holding '/', "." or ".." are
// refused before any system call), relative to a directory descriptor the
// scan holds open, with O_NOFOLLOW. Such a call can only reach a direct
// entry of that directory, and refuses the entry when it is a symbolic link;
// nothing is left for a kernel-side resolution check to catch.
#ifndef VIGIL_HOST_FILES_HPP
#define VIGIL_HOST_FILES_HPP

#include "status.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <sys/stat.h>

namespace vigil::host {

// An owned file descriptor, closed when it goes out of scope.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

enum class FileKind { kMissing, kRegular, kDirectory, kSymlink, kOther, kError };

// "symbolic link", "directory", "FIFO, socket or device", ...
std::string describe(FileKind kind);
// The kind of a stat result (never kMissing or kError).
FileKind kind_of(const struct stat& st);

// A single path component: non-empty, no '/', not "." or "..".
bool is_single_component(std::string_view name);

// An open directory. path() is how it was reached, for messages only: no
// file is ever opened by that path. Opening and judging names may run on
// several threads at once; list() may not (the listing shares the handle's
// position), so one agent's folders belong to one worker at a time.
class Dir {
public:
    Dir() = default;

    // Opens the storage root. Its path is the operator's and is followed
    // like any path the operator gives (once, here).
    static Status open_root(const std::filesystem::path& path, Dir* out);

    bool is_open() const { return fd_.valid(); }
    int fd() const { return fd_.get(); }
    const std::filesystem::path& path() const { return path_; }
    // path()/name, log-safe: for messages.
    std::string shown(std::string_view name) const;

    // What `name` is, without following it (fstatat, AT_SYMLINK_NOFOLLOW);
    // *st receives the stat when not null and the name exists.
    FileKind kind_of(std::string_view name, struct stat* st = nullptr) const;

    // Opens the directory `name` inside this one (O_DIRECTORY|O_NOFOLLOW).
    // On failure *found (when not null) says what the name is instead:
    // kMissing, kSymlink, kRegular, kOther or kError; the status is
    // kNotFound when it is missing, kIo otherwise, naming the path.
    Status open_dir(std::string_view name, Dir* out, FileKind* found = nullptr) const;

    // Creates the directory `name` inside this one (mkdirat); an existing
    // entry of that name is not an error (open_dir then judges it).
    Status make_dir(std::string_view name) const;

    // Calls visit with every name in the directory except "." and "..", in
    // the order the file system returns them, reading through a duplicate
    // of the handle (fdopendir), so nothing is held but one entry at a time.
    Status list(const std::function<void(std::string_view name)>& visit) const;

private:
    Dir(Fd fd, std::filesystem::path path) : fd_(std::move(fd)), path_(std::move(path)) {}
    Fd fd_;
    std::filesystem::path path_;
};

// A regular file opened for reading, and its fstat at open time.
struct OpenFile {
    Fd fd;
    struct stat st {};
};

// Opens `name` inside `dir` for reading, never following a symbolic link and
// never blocking (O_NONBLOCK: a FIFO or device swapped in after a check opens
// without waiting, and is then refused without a byte read). The file must
// be a regular file by fstat on the opened descriptor. kNotFound when the
// name is absent; kIo naming the path and what it is otherwise.
Status open_regular_file(const Dir& dir, std::string_view name, OpenFile* out);

// Reads the open file from its start through `consume`, in chunks, and stops
// after `limit` bytes whatever the file's size now (limit < 0: to its end).
// *read receives the number of bytes passed to consume. `shown` names the
// file in messages.
Status stream_file(const OpenFile& file, const std::string& shown, std::int64_t limit,
                   const std::function<void(const unsigned char*, std::size_t)>& consume, std::int64_t* read);

}  // namespace vigil::host

#endif
