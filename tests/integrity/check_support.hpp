// What the tests of the integrity checks share: running a check on bytes in
// memory cut into updates of various sizes (where the cuts fall must never
// change the verdict), and data to compress.
#ifndef VIGIL_TESTS_INTEGRITY_CHECK_SUPPORT_HPP
#define VIGIL_TESTS_INTEGRITY_CHECK_SUPPORT_HPP

#include <vigil/plugin.hpp>

#include "compressed.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

namespace vigil::test {

// One gzip member holding `data`, compressed fast.
inline std::string gzip(const std::string& data) { return gzip_member(data, Z_BEST_SPEED); }

// `size` bytes of data that compresses, but not to nothing.
inline std::string sample(std::size_t size) {
    std::string data;
    for (std::size_t i = 0; i < size; ++i) data += static_cast<char>("backup-data\n"[i % 12] ^ (i / 977));
    return data;
}

// The result of checking `data` as the file `file_name`, fed `chunk` bytes at a time.
inline CheckResult check_in_chunks(IntegrityCheck& check, const std::string& file_name, const std::string& data,
                                   std::size_t chunk) {
    auto file = check.begin(file_name);
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    for (std::size_t at = 0; at < data.size(); at += chunk) file->update(bytes + at, std::min(chunk, data.size() - at));
    return file->finish(static_cast<std::int64_t>(data.size()));
}

// The result of checking `data` in one update, after checking that updates
// of 1, 3, 7 and 4096 bytes give the same verdict and message.
inline CheckResult check_whole(IntegrityCheck& check, const std::string& file_name, const std::string& data) {
    CheckResult whole = check_in_chunks(check, file_name, data, data.size() + 1);
    for (std::size_t chunk : {1u, 3u, 7u, 4096u}) {
        INFO("updates of " << chunk << " bytes");
        CheckResult split = check_in_chunks(check, file_name, data, chunk);
        CHECK(split.passed == whole.passed);
        CHECK(split.message == whole.message);
    }
    return whole;
}

}  // namespace vigil::test

#endif  // VIGIL_TESTS_INTEGRITY_CHECK_SUPPORT_HPP
