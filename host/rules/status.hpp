// Status: the result of an operation that can fail, carried as a value
// between the host's layers instead of exceptions.
#ifndef VIGIL_HOST_STATUS_HPP
#define VIGIL_HOST_STATUS_HPP

#include <string>
#include <utility>

namespace vigil::host {

class Status {
public:
    enum class Code {
        kOk,
        kConfig,       // the configuration is wrong (exit 2)
        kUnavailable,  // a database or endpoint cannot be reached (exit 3)
        kRefused,      // a plugin was refused (ABI, missing function)
        kInvalid,      // the input (report, file) is wrong
        kDeclined,     // a report source does not read this content
        kBusy,         // held by another scanner
        kPermanent,    // a notifier refused for good
        kIo,           // a file operation failed
        kNotFound,     // the file is gone (another scanner moved it)
        kError         // anything else
    };

    Status() = default;
    static Status ok() { return Status(); }
    static Status error(Code code, std::string message) { return Status(code, std::move(message)); }

    bool is_ok() const { return code_ == Code::kOk; }
    Code code() const { return code_; }
    // What went wrong, naming the file, field or setting at fault; "" when ok.
    const std::string& message() const { return message_; }

private:
    Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
    Code code_ = Code::kOk;
    std::string message_;
};

}  // namespace vigil::host

#endif
