"""An HTTP server for the notifier tests: it keeps every request it receives.

Run with /usr/bin/python3:

    http_sink.py --dir DIR [--port N] [--replies FILE]

Listens on 127.0.0.1 (port 0: one the system picks) and prints
"listening PORT" once it accepts connections. Request n (from 1) is written
as DIR/<n>.body (the exact body bytes) and DIR/<n>.json ({"method", "path",
"headers": [[name, value], ...]}), before the answer is sent. The answer's
status is line n of the replies file ("500\\n200\\n"); past its end, or
without one, 200. A line "hang" answers nothing for 30 seconds, for
client timeouts. After the status, a line may give the body: "404 echo"
answers "The requested URL <path and query> was not found on this server."
as some servers do, "404 hex:ff41..." answers those exact bytes (say, text
that is not UTF-8). Stops on SIGTERM.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder(BaseHTTPRequestHandler):
    lock = threading.Lock()
    count = 0

    def do_POST(self):
        with Recorder.lock:
            Recorder.count += 1
            number = Recorder.count
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        base = os.path.join(self.server.directory, str(number))
        with open(base + ".body", "wb") as out:
            out.write(body)
        meta = {"method": self.command, "path": self.path, "headers": [[k, v] for k, v in self.headers.items()]}
        with open(base + ".json.tmp", "w", encoding="utf-8") as out:
            json.dump(meta, out)
        # The .json appears last and whole: it marks a complete record.
        os.rename(base + ".json.tmp", base + ".json")

        reply = self.server.replies[number - 1] if number <= len(self.server.replies) else "200"
        if reply == "hang":
            time.sleep(30)
            return
        status_text, _, body = reply.partition(" ")
        status = int(status_text)
        if body == "echo":
            answer = f"The requested URL {self.path} was not found on this server.".encode()
        elif body.startswith("hex:"):
            answer = bytes.fromhex(body[4:])
        else:
            answer = json.dumps({"request": number, "status": status}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if not body else "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):
        pass

    # A GET (the heartbeat's) is recorded and answered the same way, its body empty.
    do_GET = do_POST


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--replies")
    arguments = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Recorder)
    server.daemon_threads = True
    server.directory = arguments.dir
    server.replies = []
    if arguments.replies:
        with open(arguments.replies, encoding="utf-8") as lines:
            server.replies = [line.strip() for line in lines if line.strip()]
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
