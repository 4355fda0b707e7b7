#include "files.hpp"

#include "log_text.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace vigil::host {

namespace {

Status io_error(const std::string& shown, const std::string& what) {
    return Status::error(Status::Code::kIo, shown + ": " + what);
}

Status refuse_name(const Dir& dir, std::string_view name) {
    return io_error(dir.shown(name), "not a single file name: refused");
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

std::string describe(FileKind kind) {
    switch (kind) {
        case FileKind::kMissing: return "missing";
        case FileKind::kRegular: return "regular file";
        case FileKind::kDirectory: return "directory";
        case FileKind::kSymlink: return "symbolic link";
        case FileKind::kOther: return "FIFO, socket or device";
        case FileKind::kError: return "unreadable entry";
    }
    return "unknown";
}

FileKind kind_of(const struct stat& st) {
    if (S_ISREG(st.st_mode)) return FileKind::kRegular;
    if (S_ISDIR(st.st_mode)) return FileKind::kDirectory;
    if (S_ISLNK(st.st_mode)) return FileKind::kSymlink;
    return FileKind::kOther;
}

bool is_single_component(std::string_view name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
           name.find('\0') == std::string_view::npos;
}

Status Dir::open_root(const std::filesystem::path& path, Dir* out) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) {
        return io_error(log_text(path.string(), kLogPathLimit), std::string("cannot open: ") + std::strerror(errno));
    }
    *out = Dir(std::move(fd), path);
    return Status::ok();
}

std::string Dir::shown(std::string_view name) const { return log_text((path_ / name).string(), kLogPathLimit); }

FileKind Dir::kind_of(std::string_view name, struct stat* st) const {
    if (!is_single_component(name)) return FileKind::kError;
    struct stat local {};
    struct stat* target = st != nullptr ? st : &local;
    const std::string z(name);
    if (::fstatat(fd_.get(), z.c_str(), target, AT_SYMLINK_NOFOLLOW) != 0) {
        return errno == ENOENT ? FileKind::kMissing : FileKind::kError;
    }
    return host::kind_of(*target);
}

Status Dir::open_dir(std::string_view name, Dir* out, FileKind* found) const {
    FileKind local = FileKind::kError;
    FileKind& kind = found != nullptr ? *found : local;
    kind = FileKind::kError;
    if (!is_single_component(name)) return refuse_name(*this, name);
    const std::string z(name);
    Fd fd(::openat(fd_.get(), z.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
        const int err = errno;
        if (err == ENOENT) {
            kind = FileKind::kMissing;
            return Status::error(Status::Code::kNotFound, shown(name) + ": missing");
        }
        // ELOOP or ENOTDIR: say what is there instead (it may change again,
        // but it is only named, never opened).
        kind = kind_of(name);
        if (kind == FileKind::kMissing) kind = FileKind::kError;
        if (kind == FileKind::kDirectory || kind == FileKind::kError) {
            return io_error(shown(name), std::string("cannot open: ") + std::strerror(err));
        }
        return io_error(shown(name), "is a " + describe(kind) + ", not a directory: never followed");
    }
    kind = FileKind::kDirectory;
    *out = Dir(std::move(fd), path_ / name);
    return Status::ok();
}

Status Dir::make_dir(std::string_view name) const {
    if (!is_single_component(name)) return refuse_name(*this, name);
    const std::string z(name);
    if (::mkdirat(fd_.get(), z.c_str(), 0755) != 0 && errno != EEXIST) {
        return io_error(shown(name), std::string("cannot create: ") + std::strerror(errno));
    }
    return Status::ok();
}

Status Dir::list(const std::function<void(std::string_view name)>& visit) const {
    // fdopendir takes the descriptor over: give it a duplicate, and rewind,
    // since the duplicate shares the handle's position.
    const int copy = ::fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0);
    DIR* d = copy >= 0 ? ::fdopendir(copy) : nullptr;
    if (d == nullptr) {
        const int err = errno;
        if (copy >= 0) ::close(copy);
        return io_error(log_text(path_.string(), kLogPathLimit), std::string("cannot list: ") + std::strerror(err));
    }
    ::rewinddir(d);
    errno = 0;
    while (dirent* e = ::readdir(d)) {
        const std::string_view name = e->d_name;
        if (name != "." && name != "..") visit(name);
        errno = 0;
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) {
        return io_error(log_text(path_.string(), kLogPathLimit), std::string("cannot list: ") + std::strerror(err));
    }
    return Status::ok();
}

Status open_regular_file(const Dir& dir, std::string_view name, OpenFile* out) {
    if (!is_single_component(name)) return refuse_name(dir, name);
    const std::string z(name);
    Fd fd(::openat(dir.fd(), z.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (!fd.valid()) {
        const int err = errno;
        if (err == ENOENT) return Status::error(Status::Code::kNotFound, dir.shown(name) + ": no longer there");
        if (err == ELOOP) return io_error(dir.shown(name), "is a symbolic link: never followed");
        return io_error(dir.shown(name), std::strerror(err));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return io_error(dir.shown(name), std::strerror(errno));
    if (!S_ISREG(st.st_mode)) {
        return io_error(dir.shown(name), "is a " + describe(kind_of(st)) + ", not a regular file");
    }
    out->fd = std::move(fd);
    out->st = st;
    return Status::ok();
}

Status stream_file(const OpenFile& file, const std::string& shown, std::int64_t limit,
                   const std::function<void(const unsigned char*, std::size_t)>& consume, std::int64_t* read) {
    constexpr std::size_t kChunk = 1 << 20;
    // One per thread, kept: allocating and zeroing 1 MiB for every small
    // file read would cost more than reading it. consume never reads a file.
    thread_local std::vector<unsigned char> buffer(kChunk);
    std::int64_t total = 0;
    off_t offset = 0;
    while (limit < 0 || total < limit) {
        std::size_t want = kChunk;
        if (limit >= 0 && static_cast<std::int64_t>(want) > limit - total) {
            want = static_cast<std::size_t>(limit - total);
        }
        const ssize_t n = ::pread(file.fd.get(), buffer.data(), want, offset);
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error(shown, std::strerror(errno));
        }
        if (n == 0) break;
        consume(buffer.data(), static_cast<std::size_t>(n));
        total += n;
        offset += n;
    }
    *read = total;
    return Status::ok();
}

}  // namespace vigil::host
