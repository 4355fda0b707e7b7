#include "format_gate.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

namespace vigil::plugins {
namespace {

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
    if (text.size() < suffix.size()) return false;
    return std::equal(suffix.begin(), suffix.end(), text.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                      [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                      });
}

// Holds the file's first bytes until they show whether it starts with the
// magic number; then either hands everything to the decoder or ignores the
// rest of the file.
class MagicGate : public IntegrityCheck::File {
public:
    MagicGate(const CompressedFormat& format, std::function<std::unique_ptr<IntegrityCheck::File>()> make_decoder)
        : format_(format), make_decoder_(std::move(make_decoder)) {}

    void update(const unsigned char* bytes, std::size_t length) override {
        if (decoder_) {
            decoder_->update(bytes, length);
            return;
        }
        if (foreign_) return;
        const std::size_t wanted = std::min(length, format_.magic.size() - head_.size());
        head_.append(reinterpret_cast<const char*>(bytes), wanted);
        if (format_.magic.substr(0, head_.size()) != head_) {
            foreign_ = true;
            return;
        }
        if (head_.size() < format_.magic.size()) return;
        decoder_ = make_decoder_();
        decoder_->update(reinterpret_cast<const unsigned char*>(head_.data()), head_.size());
        if (length > wanted) decoder_->update(bytes + wanted, length - wanted);
    }

    CheckResult finish(std::int64_t file_size) override {
        if (decoder_) return decoder_->finish(file_size);
        // Shorter than the magic number, or not starting with it.
        CheckResult result;
        result.passed = true;
        result.message = "not a " + std::string(format_.name) + " file (not checked)";
        return result;
    }

private:
    CompressedFormat format_;  // views of static text
    std::function<std::unique_ptr<IntegrityCheck::File>()> make_decoder_;
    std::string head_;  // the first bytes seen so far, fewer than the magic number's
    bool foreign_ = false;
    std::unique_ptr<IntegrityCheck::File> decoder_;
};

}  // namespace

std::unique_ptr<IntegrityCheck::File> gate_by_format(
    const CompressedFormat& format, std::string_view file_name,
    const std::function<std::unique_ptr<IntegrityCheck::File>()>& make_decoder) {
    if (ends_with_ignoring_case(file_name, format.extension)) return make_decoder();
    return std::make_unique<MagicGate>(format, make_decoder);
}

}  // namespace vigil::plugins
