// What the tests of the integrity checks share: running a check on bytes in
// memory cut into updates of various sizes (where the cuts fall must never
// change the verdict), and real compressed data to run it on.
#ifndef VIGIL_TESTS_INTEGRITY_CHECK_SUPPORT_HPP
#define VIGIL_TESTS_INTEGRITY_CHECK_SUPPORT_HPP

#include <vigil/plugin.hpp>

#include <catch2/catch.hpp>
#include <zlib.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace vigil::test {

// One gzip member holding `data`, as the agents' gzip writes it.
inline std::string gzip(const std::string& data) {
    z_stream stream{};
    // 16 + MAX_WBITS: write a gzip wrapper, as the agents' gzip does.
    if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2 failed");
    }
    std::string out(deflateBound(&stream, data.size()) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    int status = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    if (status != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
    return out;
}

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
