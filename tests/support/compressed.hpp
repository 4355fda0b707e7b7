// Real gzip members and zstd frames, made with zlib and libzstd, for the
// tests of the integrity checks, scans over compressed backups and the
// benchmarks. Link ZLIB::ZLIB and zstd::libzstd_shared.
#ifndef VIGIL_TEST_SUPPORT_COMPRESSED_HPP
#define VIGIL_TEST_SUPPORT_COMPRESSED_HPP

#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace vigil::test {

// One gzip member holding `data`, as the agents' gzip writes it.
inline std::string gzip_member(const std::string& data, int level = Z_DEFAULT_COMPRESSION) {
    z_stream stream{};
    // 16 + MAX_WBITS: write a gzip wrapper, not a zlib one.
    if (deflateInit2(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2 failed");
    }
    std::string out(deflateBound(&stream, data.size()) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int status = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    if (status != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
    return out;
}

struct ZstdOptions {
    bool checksum = true;  // content checksum, as the zstd tool writes by default
    int level = 3;
    int window_log = 0;    // 0: libzstd's choice for the level and size
    // false: the frame does not declare its size, so libzstd keeps the
    // window asked for (as when compressing a pipe)
    bool size_known = true;
};

// One zstd frame holding `data`.
inline std::string zstd_frame(const std::string& data, const ZstdOptions& options = {}) {
    std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(), &ZSTD_freeCCtx);
    if (!context) throw std::bad_alloc();
    auto set = [&](ZSTD_cParameter parameter, int value) {
        if (ZSTD_isError(ZSTD_CCtx_setParameter(context.get(), parameter, value))) {
            throw std::runtime_error("ZSTD_CCtx_setParameter failed");
        }
    };
    set(ZSTD_c_compressionLevel, options.level);
    set(ZSTD_c_checksumFlag, options.checksum ? 1 : 0);
    if (options.window_log != 0) set(ZSTD_c_windowLog, options.window_log);
    std::string out(ZSTD_compressBound(data.size()) + 64, '\0');
    ZSTD_outBuffer output{out.data(), out.size(), 0};
    ZSTD_inBuffer input{data.data(), data.size(), 0};
    // Fed as a stream (continue, then end), libzstd cannot learn the size.
    if (!options.size_known) {
        while (input.pos < input.size) {
            if (ZSTD_isError(ZSTD_compressStream2(context.get(), &output, &input, ZSTD_e_continue))) {
                throw std::runtime_error("ZSTD_compressStream2 failed");
            }
        }
    }
    for (;;) {
        const std::size_t left = ZSTD_compressStream2(context.get(), &output, &input, ZSTD_e_end);
        if (ZSTD_isError(left)) throw std::runtime_error("ZSTD_compressStream2 failed");
        if (left == 0) break;
    }
    out.resize(output.pos);
    return out;
}

// A skippable frame (magic 0x184D2A50) carrying `payload`: valid zstd
// that decodes to nothing.
inline std::string zstd_skippable_frame(const std::string& payload) {
    std::string frame = "\x50\x2A\x4D\x18";
    const auto size = static_cast<std::uint32_t>(payload.size());
    for (int shift = 0; shift < 32; shift += 8) frame += static_cast<char>((size >> shift) & 0xFF);
    return frame + payload;
}

}  // namespace vigil::test

#endif  // VIGIL_TEST_SUPPORT_COMPRESSED_HPP
