#include "archive.hpp"

#include "files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil::host {

namespace {

// 0, or the errno of a rename that refuses to replace an existing target.
int rename_no_replace(const std::filesystem::path& from, const std::filesystem::path& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return errno;
    // File systems without RENAME_NOREPLACE: link() also refuses an existing target.
    if (::link(from.c_str(), to.c_str()) != 0) return errno;
    if (::unlink(from.c_str()) != 0) return errno;
    return 0;
}

std::string candidate_name(const std::string& file_name, int attempt) {
    if (attempt == 0) return file_name;
    const std::string stem = file_name.substr(0, file_name.size() - 5);  // drop ".json"
    return stem + "." + std::to_string(attempt) + ".json";
}

}  // namespace

ArchiveOutcome archive_report(const std::filesystem::path& log_dir, const std::string& file_name,
                              std::string* archived_as, Status* status) {
    const auto archive_dir = log_dir / "_archive";
    const auto source = log_dir / file_name;
    FileKind kind = file_kind(archive_dir);
    if (kind == FileKind::kMissing) {
        if (::mkdir(archive_dir.c_str(), 0755) != 0 && errno != EEXIST) {
            *status = Status::error(Status::Code::kIo, printable(archive_dir.string()) + ": cannot create: " +
                                                           std::strerror(errno));
            return ArchiveOutcome::kFailed;
        }
        kind = file_kind(archive_dir);
    }
    if (kind != FileKind::kDirectory) {
        *status = Status::error(Status::Code::kIo, printable(archive_dir.string()) + " is a " + describe(kind) +
                                                       ", not a directory: report left in place");
        return ArchiveOutcome::kFailed;
    }
    for (int attempt = 0; attempt < 100000; ++attempt) {
        const std::string name = candidate_name(file_name, attempt);
        int err = rename_no_replace(source, archive_dir / name);
        if (err == 0) {
            *archived_as = name;
            *status = Status::ok();
            return ArchiveOutcome::kMoved;
        }
        if (err == EEXIST) continue;
        if (err == ENOENT && file_kind(source) == FileKind::kMissing) {
            *status = Status::ok();
            return ArchiveOutcome::kAlreadyGone;
        }
        *status = Status::error(Status::Code::kIo, printable(source.string()) + ": cannot archive: " +
                                                       std::strerror(err));
        return ArchiveOutcome::kFailed;
    }
    *status = Status::error(Status::Code::kIo, printable(source.string()) + ": no free archive name");
    return ArchiveOutcome::kFailed;
}

}  // namespace vigil::host
