// ISA-L's fast inflate for the gzip check, held to zlib's verdict: one gzip
// member's deflate data and trailer at a time, every block's header vetted
// by zlib. ISA-L accepts Huffman codes that leave codes unassigned (zlib,
// and so gunzip, refuse them even when the data never uses those codes),
// and it only stops between blocks when told a block is the last one; so
// each block is given to ISA-L as if it were the last, and zlib reads the
// header of the next before ISA-L does. This works through fields of
// ISA-L's public inflate_state (its bit buffer, block state, CRC flag and
// history buffer), as ISA-L 2.30 uses them; the tests run one corpus of
// valid and damaged files through both inflaters.
#ifndef VIGIL_PLUGINS_ISAL_MEMBER_HPP
#define VIGIL_PLUGINS_ISAL_MEMBER_HPP

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct inflate_state;

namespace vigil::plugins {

class IsalMember {
public:
    enum class Outcome {
        wants_input,  // every byte given was used; the member goes on
        member_end,   // the trailer matched; the bytes after it were not used
        failed,       // the data or the trailer is invalid: see reason()
    };
    struct Step {
        std::size_t used;  // bytes consumed from those given
        Outcome outcome;
    };

    IsalMember();  // throws std::bad_alloc
    ~IsalMember();
    IsalMember(const IsalMember&) = delete;
    IsalMember& operator=(const IsalMember&) = delete;

    // Begins a member whose deflate data starts with the next byte fed.
    void start();
    // Inflates the next bytes of the member and throws the output away.
    Step feed(const unsigned char* bytes, std::size_t length);
    // Why the member failed, in words (zlib's for a header it refused).
    const std::string& reason() const { return reason_; }

private:
    Step decode(const unsigned char* bytes, std::size_t length);
    bool begin_block();
    bool vet(const unsigned char* bytes, std::size_t length);
    void next_block(std::size_t written);

    std::unique_ptr<inflate_state> state_;
    z_stream headers_{};               // zlib, raw deflate: reads each block's header only
    std::uint64_t member_output_ = 0;  // bytes inflated in this member
    bool at_block_start_ = true;       // the next bit starts a block
    bool last_block_ = false;          // the current block is the member's last
    bool vetting_ = false;             // zlib has not yet read the whole header of the current block
    std::vector<unsigned char> held_back_;  // bytes of that header ISA-L has not been given
    std::string reason_;
};

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_ISAL_MEMBER_HPP
