// The loopback servers the notifier tests deliver to: smtp_sink.py and
// http_sink.py, each run as a child process for the life of the object.
#ifndef VIGIL_TESTS_NOTIFIERS_SINKS_HPP
#define VIGIL_TESTS_NOTIFIERS_SINKS_HPP

#include "test_db.hpp"

#include <nlohmann/json.hpp>
#include <sys/types.h>

#include <string>
#include <vector>

namespace vigil::test {

// One sink script running under Debian's Python, which has aiosmtpd (the
// python3 on PATH may be another one). Construction returns once the
// server listens; destruction stops it.
class SinkProcess {
public:
    SinkProcess(const std::string& script, const std::vector<std::string>& arguments);
    ~SinkProcess();
    SinkProcess(const SinkProcess&) = delete;
    SinkProcess& operator=(const SinkProcess&) = delete;
    int port() const { return port_; }

private:
    pid_t pid_ = -1;
    int port_ = 0;
};

class SmtpSink {
public:
    // `rejected`: recipients answered "550" at RCPT TO (or `reject_reply`,
    // exact bytes, when given). `auth`: "user:password" to offer AUTH and
    // accept only those credentials.
    explicit SmtpSink(const std::vector<std::string>& rejected = {}, const std::string& auth = "",
                      const std::string& reject_reply = "");
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(process_.port()); }
    // Every message accepted so far, in order: {"mail_from", "rcpt_tos",
    // "auth_login", "data"}.
    std::vector<nlohmann::json> messages() const;

private:
    ScratchDir dir_;
    SinkProcess process_;
};

struct HttpRequest {
    nlohmann::json meta;  // {"method", "path", "headers": [[name, value], ...]}
    std::string body;     // the exact bytes received
    // The value of the header (case-insensitive name); "" when absent.
    std::string header(const std::string& name) const;
};

class HttpSink {
public:
    // `replies`: the status of each successive request ("500", "200", or
    // "hang"), optionally with a body ("404 echo", "404 hex:ff41"; see
    // http_sink.py); 200 past the end.
    explicit HttpSink(const std::vector<std::string>& replies = {});
    std::string origin() const { return "http://127.0.0.1:" + std::to_string(process_.port()); }
    std::string url() const { return origin() + "/hook"; }
    std::vector<HttpRequest> requests() const;

private:
    ScratchDir dir_;
    SinkProcess process_;
};

// A loopback port where a connection is refused: bound but never listened
// on, so nothing else can take it while this object lives.
class RefusingPort {
public:
    RefusingPort();
    ~RefusingPort();
    RefusingPort(const RefusingPort&) = delete;
    RefusingPort& operator=(const RefusingPort&) = delete;
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

}  // namespace vigil::test

#endif  // VIGIL_TESTS_NOTIFIERS_SINKS_HPP
