#include "archive.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace vigil::host {

namespace {

// 0, or the errno of a rename that refuses to replace an existing target.
int rename_no_replace(const Dir& from_dir, const std::string& from, const Dir& to_dir, const std::string& to) {
    if (::renameat2(from_dir.fd(), from.c_str(), to_dir.fd(), to.c_str(), RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return errno;
    // File systems without RENAME_NOREPLACE: link() also refuses an existing
    // target, and linkat without AT_SYMLINK_FOLLOW links a symlink itself.
    if (::linkat(from_dir.fd(), from.c_str(), to_dir.fd(), to.c_str(), 0) != 0) return errno;
    if (::unlinkat(from_dir.fd(), from.c_str(), 0) != 0) return errno;
    return 0;
}

std::string candidate_name(const std::string& file_name, int attempt) {
    if (attempt == 0) return file_name;
    const std::string stem = file_name.substr(0, file_name.size() - 5);  // drop ".json"
    return stem + "." + std::to_string(attempt) + ".json";
}

}  // namespace

Status open_archive_dir(const Dir& log, Dir* archive) {
    if (log.kind_of("_archive") == FileKind::kMissing) {
        if (Status st = log.make_dir("_archive"); !st.is_ok()) return st;
    }
    Status st = log.open_dir("_archive", archive);
    if (!st.is_ok()) return Status::error(Status::Code::kIo, st.message() + ": reports left in place");
    return st;
}

ArchiveOutcome archive_report(const Dir& log, const Dir& archive, const std::string& file_name,
                              std::string* archived_as, Status* status) {
    if (!is_single_component(file_name)) {
        *status = Status::error(Status::Code::kIo, log.shown(file_name) + ": not a single file name: refused");
        return ArchiveOutcome::kFailed;
    }
    for (int attempt = 0; attempt < 100000; ++attempt) {
        const std::string name = candidate_name(file_name, attempt);
        const int err = rename_no_replace(log, file_name, archive, name);
        if (err == 0) {
            *archived_as = name;
            *status = Status::ok();
            return ArchiveOutcome::kMoved;
        }
        if (err == EEXIST) continue;
        if (err == ENOENT && log.kind_of(file_name) == FileKind::kMissing) {
            *status = Status::ok();
            return ArchiveOutcome::kAlreadyGone;
        }
        *status = Status::error(Status::Code::kIo, log.shown(file_name) + ": cannot archive: " + std::strerror(err));
        return ArchiveOutcome::kFailed;
    }
    *status = Status::error(Status::Code::kIo, log.shown(file_name) + ": no free archive name");
    return ArchiveOutcome::kFailed;
}

}  // namespace vigil::host
