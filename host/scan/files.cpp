#include "files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace vigil::host {

FileKind file_kind(const std::filesystem::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT || errno == ENOTDIR ? FileKind::kMissing : FileKind::kError;
    if (S_ISREG(st.st_mode)) return FileKind::kRegular;
    if (S_ISDIR(st.st_mode)) return FileKind::kDirectory;
    if (S_ISLNK(st.st_mode)) return FileKind::kSymlink;
    return FileKind::kOther;
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

Status stream_regular_file(const std::filesystem::path& path,
                           const std::function<void(const unsigned char*, std::size_t)>& consume,
                           std::int64_t* size) {
    auto io_error = [&](const std::string& what) {
        return Status::error(Status::Code::kIo, printable(path.string()) + ": " + what);
    };
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ELOOP) return io_error("is a symbolic link");
        if (errno == ENOENT) {
            return Status::error(Status::Code::kNotFound, printable(path.string()) + ": no longer there");
        }
        return io_error(std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return io_error("is not a regular file");
    }
    std::vector<unsigned char> buffer(1 << 20);
    std::int64_t total = 0;
    while (true) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            return io_error(std::strerror(err));
        }
        if (n == 0) break;
        consume(buffer.data(), static_cast<std::size_t>(n));
        total += n;
    }
    ::close(fd);
    *size = total;
    return Status::ok();
}

Status read_regular_file(const std::filesystem::path& path, std::string* bytes) {
    bytes->clear();
    std::int64_t size = 0;
    return stream_regular_file(
        path, [&](const unsigned char* data, std::size_t n) { bytes->append(reinterpret_cast<const char*>(data), n); },
        &size);
}

std::string printable(std::string_view name) {
    static const char* kHex = "0123456789abcdef";
    std::string out;
    out.reserve(name.size());
    for (unsigned char c : name) {
        if (c < 0x20 || c >= 0x7f || c == '\\') {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace vigil::host
