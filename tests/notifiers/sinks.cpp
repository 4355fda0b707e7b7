#include "sinks.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

namespace vigil::test {
namespace {

namespace fs = std::filesystem;

// Python with aiosmtpd starts in well under a second; this allows for a
// loaded machine.
constexpr auto kStartTimeout = std::chrono::seconds(20);

[[noreturn]] void system_failure(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The records "<n>.json" of a sink directory, by n.
std::vector<fs::path> records(const fs::path& dir) {
    std::vector<std::pair<long, fs::path>> found;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const fs::path& p = entry.path();
        if (p.extension() != ".json") continue;
        found.emplace_back(std::stol(p.stem().string()), p);
    }
    std::sort(found.begin(), found.end());
    std::vector<fs::path> out;
    for (auto& f : found) out.push_back(f.second);
    return out;
}

std::vector<std::string> with_replies(const fs::path& dir, const std::vector<std::string>& replies) {
    std::vector<std::string> arguments{"--dir", (dir / "requests").string()};
    fs::create_directory(dir / "requests");
    if (!replies.empty()) {
        std::ofstream out(dir / "replies");
        for (const std::string& r : replies) out << r << "\n";
        arguments.insert(arguments.end(), {"--replies", (dir / "replies").string()});
    }
    return arguments;
}

std::string hex(const std::string& bytes) {
    static const char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += kDigits[c >> 4];
        out += kDigits[c & 0xF];
    }
    return out;
}

std::vector<std::string> smtp_arguments(const fs::path& dir, const std::vector<std::string>& rejected,
                                        const std::string& auth, const std::string& reject_reply) {
    std::vector<std::string> arguments{"--dir", dir.string()};
    for (const std::string& r : rejected) arguments.insert(arguments.end(), {"--reject", r});
    if (!auth.empty()) arguments.insert(arguments.end(), {"--auth", auth});
    if (!reject_reply.empty()) arguments.insert(arguments.end(), {"--reject-reply", hex(reject_reply)});
    return arguments;
}

}  // namespace

SinkProcess::SinkProcess(const std::string& script, const std::vector<std::string>& arguments) {
    std::vector<std::string> words{VIGIL_TEST_PYTHON, std::string(VIGIL_NOTIFIER_SINKS_DIR) + "/" + script};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);

    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) system_failure("pipe2");
    pid_ = fork();
    if (pid_ < 0) system_failure("fork");
    if (pid_ == 0) {
        // A test that crashes must not leave servers behind.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(out[1], STDOUT_FILENO);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(out[1]);

    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    while (line.find('\n') == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{out[0], POLLIN, 0};
        char buffer[256];
        ssize_t n = 0;
        if (left.count() > 0 && poll(&p, 1, static_cast<int>(left.count())) > 0) n = read(out[0], buffer, sizeof buffer);
        if (n <= 0) break;
        line.append(buffer, static_cast<std::size_t>(n));
    }
    close(out[0]);
    if (line.rfind("listening ", 0) == 0) port_ = std::atoi(line.c_str() + 10);
    if (port_ <= 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        throw std::runtime_error(script + " did not start (it printed \"" + line + "\")");
    }
}

SinkProcess::~SinkProcess() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
}

SmtpSink::SmtpSink(const std::vector<std::string>& rejected, const std::string& auth, const std::string& reject_reply)
    : process_("smtp_sink.py", smtp_arguments(dir_.path(), rejected, auth, reject_reply)) {}

std::vector<nlohmann::json> SmtpSink::messages() const {
    std::vector<nlohmann::json> out;
    for (const fs::path& p : records(dir_.path())) out.push_back(nlohmann::json::parse(read_file(p)));
    return out;
}

std::string HttpRequest::header(const std::string& name) const {
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    };
    for (const auto& pair : meta.at("headers")) {
        if (lower(pair.at(0).get<std::string>()) == lower(name)) return pair.at(1).get<std::string>();
    }
    return "";
}

HttpSink::HttpSink(const std::vector<std::string>& replies)
    : process_("http_sink.py", with_replies(dir_.path(), replies)) {}

std::vector<HttpRequest> HttpSink::requests() const {
    std::vector<HttpRequest> out;
    for (const fs::path& p : records(dir_.path() / "requests")) {
        fs::path body = p;
        body.replace_extension(".body");
        out.push_back({nlohmann::json::parse(read_file(p)), read_file(body)});
    }
    return out;
}

RefusingPort::RefusingPort() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) system_failure("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) system_failure("bind");
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) system_failure("getsockname");
    port_ = ntohs(address.sin_port);
}

RefusingPort::~RefusingPort() { close(fd_); }

}  // namespace vigil::test
