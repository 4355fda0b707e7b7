#include "isal_member.hpp"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

namespace vigil::plugins {
namespace {

constexpr std::size_t kWindow = ISAL_DEF_HIST_SIZE;  // the farthest back a match may reach: 32 KiB
// ISA-L decodes through its own buffer until it holds a window of history,
// then straight into this one. It takes all ISA-L's buffer may hold, so
// nothing is left pending there; larger is no faster.
constexpr std::size_t kOutputSize = std::size_t{128} << 10;
static_assert(kOutputSize >= sizeof(inflate_state::tmp_out_buffer));

// Where ISA-L's output is thrown away, and where the window is copied when
// it must move. Nothing in them outlives a call to feed, so the files a
// thread checks share one set, and a check of a small file allocates no
// more than ISA-L's state. Left uninitialized: ISA-L writes before it reads.
struct Scratch {
    unsigned char output[kOutputSize];
    unsigned char window[kWindow];
};

Scratch& scratch() {
    thread_local const std::unique_ptr<Scratch> buffers(new Scratch);
    return *buffers;
}

std::string isal_reason(int status) {
    switch (status) {
        case ISAL_INVALID_BLOCK: return "invalid deflate block";
        case ISAL_INVALID_SYMBOL: return "invalid code in the deflate data";
        case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
        case ISAL_INCORRECT_CHECKSUM: return "incorrect data check (CRC-32 or length)";
        default: return "corrupt deflate data (ISA-L error " + std::to_string(status) + ")";
    }
}

}  // namespace

IsalMember::IsalMember() : state_(new inflate_state) {
    isal_inflate_init(state_.get());  // sets every field ISA-L reads
    const int status = inflateInit2(&headers_, -MAX_WBITS);
    if (status == Z_MEM_ERROR) throw std::bad_alloc();
    if (status != Z_OK) throw std::runtime_error(std::string("gzip: inflateInit2 failed: ") + zError(status));
}

IsalMember::~IsalMember() { inflateEnd(&headers_); }

void IsalMember::start() {
    isal_inflate_reset(state_.get());
    member_output_ = 0;
    at_block_start_ = true;
    vetting_ = false;
    held_back_.clear();
    reason_.clear();
}

IsalMember::Step IsalMember::feed(const unsigned char* bytes, std::size_t length) {
    if (vetting_) {
        // The header zlib is reading goes on in these bytes; ISA-L gets
        // them, and the ones held back before, once zlib has judged it.
        if (!vet(bytes, length)) return {length, Outcome::failed};
        if (vetting_) {
            held_back_.insert(held_back_.end(), bytes, bytes + length);
            return {length, Outcome::wants_input};
        }
        if (!held_back_.empty()) {
            // The header goes on in `bytes`, so ISA-L cannot get past it here.
            std::vector<unsigned char> header;
            header.swap(held_back_);
            if (decode(header.data(), header.size()).outcome == Outcome::failed) return {length, Outcome::failed};
        }
    }
    return decode(bytes, length);
}

IsalMember::Step IsalMember::decode(const unsigned char* bytes, std::size_t length) {
    inflate_state& state = *state_;
    state.next_in = const_cast<std::uint8_t*>(bytes);  // ISA-L's API is not const-correct; it never writes input
    state.avail_in = static_cast<std::uint32_t>(length);
    auto step = [&](Outcome outcome) { return Step{length - state.avail_in, outcome}; };
    for (;;) {
        if (at_block_start_) {
            if (state.read_in_length == 0) {
                if (state.avail_in == 0) return step(Outcome::wants_input);
                // The block's first bit must be in ISA-L's bit buffer to be read and set.
                state.read_in = *state.next_in++;
                state.read_in_length = 8;
                --state.avail_in;
            }
            if (!begin_block() || !vet(state.next_in, state.avail_in)) return step(Outcome::failed);
            if (vetting_) {
                // The header goes on past these bytes: all of them are its.
                held_back_.assign(state.next_in, state.next_in + state.avail_in);
                return Step{length, Outcome::wants_input};
            }
        }
        state.next_out = scratch().output;
        state.avail_out = static_cast<std::uint32_t>(kOutputSize);
        const int status = isal_inflate(&state);
        const std::size_t written = kOutputSize - state.avail_out;
        member_output_ += written;
        if (status != ISAL_DECOMP_OK) {
            reason_ = isal_reason(status);
            return step(Outcome::failed);
        }
        if (state.block_state == ISAL_BLOCK_FINISH) {
            if (last_block_) return step(Outcome::member_end);  // ISA-L stops right after the trailer
            next_block(written);
            continue;
        }
        // All input used and the output not full: nothing is pending.
        if (state.avail_in == 0 && state.avail_out != 0) return step(Outcome::wants_input);
    }
}

// At a block's first bit, which is in ISA-L's bit buffer: has zlib start
// reading the header from there, and has ISA-L take the block for the
// member's last, so that it stops at the block's end. False when zlib
// refuses the header from the bits already buffered.
bool IsalMember::begin_block() {
    inflate_state& state = *state_;
    at_block_start_ = false;
    last_block_ = (state.read_in & 1) != 0;  // BFINAL

    if (inflateReset(&headers_) != Z_OK) throw std::runtime_error("gzip: inflateReset failed");
    // The buffer holds the rest of a byte, then whole bytes, first bit lowest.
    const int partial = state.read_in_length % 8;
    if (inflatePrime(&headers_, partial, static_cast<int>(state.read_in & ((1u << partial) - 1))) != Z_OK) {
        throw std::runtime_error("gzip: inflatePrime failed");
    }
    unsigned char held[8];
    const int whole = state.read_in_length / 8;
    for (int i = 0; i < whole; ++i) held[i] = static_cast<unsigned char>(state.read_in >> (partial + 8 * i));
    vetting_ = true;

    state.read_in |= 1;
    // The member's real last block is followed by the trailer, which ISA-L
    // checks; for the others it keeps the running CRC-32 and checks nothing.
    state.crc_flag = last_block_ ? ISAL_GZIP_NO_HDR_VER : ISAL_GZIP_NO_HDR;
    return vet(held, static_cast<std::size_t>(whole));
}

// Has zlib read the current block's header on from `bytes`. False when
// zlib refuses it; true when it accepted it or wants more bytes.
bool IsalMember::vet(const unsigned char* bytes, std::size_t length) {
    if (!vetting_) return true;
    unsigned char sink = 0;  // Z_TREES stops before any output
    headers_.next_in = const_cast<Bytef*>(bytes);
    headers_.avail_in = static_cast<uInt>(length);
    headers_.next_out = &sink;
    headers_.avail_out = 1;
    const int status = inflate(&headers_, Z_TREES);
    if (status == Z_DATA_ERROR) {
        vetting_ = false;
        reason_ = headers_.msg ? headers_.msg : "invalid deflate block header";
        return false;
    }
    if (status == Z_MEM_ERROR) throw std::bad_alloc();
    if (status != Z_OK && status != Z_BUF_ERROR) {
        throw std::runtime_error(std::string("gzip: inflate failed: ") + zError(status));
    }
    if (headers_.data_type & 256) vetting_ = false;  // at the block's data: its header is read
    return true;
}

// After a block ISA-L took for the last: as it keeps no history then, the
// last window of output goes back in as a dictionary, and decoding goes on.
void IsalMember::next_block(std::size_t written) {
    inflate_state& state = *state_;
    const auto window = static_cast<std::uint32_t>(std::min<std::uint64_t>(kWindow, member_output_));
    const std::uint8_t* latest = nullptr;
    if (written >= window) {
        // Straight into our buffer, which then holds the latest output.
        latest = scratch().output + written - window;
    } else {
        // All through ISA-L's buffer, which ends with the latest output
        // (copied out first: the dictionary goes to the buffer's start).
        std::memcpy(scratch().window, state.tmp_out_buffer + state.tmp_out_valid - window, window);
        latest = scratch().window;
    }
    state.block_state = ISAL_BLOCK_NEW_HDR;
    if (isal_inflate_set_dict(&state, const_cast<std::uint8_t*>(latest), window) != COMP_OK) {
        throw std::runtime_error("gzip: isal_inflate_set_dict failed");
    }
    at_block_start_ = true;
}

}  // namespace vigil::plugins
