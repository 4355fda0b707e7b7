"""An SMTP server for the notifier tests: it keeps every message it accepts.

Run with Debian's /usr/bin/python3 (python3-aiosmtpd):

    smtp_sink.py --dir DIR [--port N] [--reject ADDRESS]... [--reject-reply HEX] [--auth USER:PASSWORD]

Listens on 127.0.0.1 (port 0: one the system picks) and prints
"listening PORT" once it accepts connections. Each message accepted is
written to DIR/<n>.json as {"mail_from", "rcpt_tos", "auth_login", "data"}
(data: the message as received, after SMTP un-dot-stuffing) before the
server answers the end of DATA, so a client that saw "250" finds the file.
RCPT TO an address given with --reject gets "550 5.1.1", or the exact bytes
given in hex with --reject-reply (say, a reply that is not UTF-8). With --auth, the
server offers AUTH PLAIN/LOGIN without TLS and accepts only those
credentials (535 otherwise). Stops on SIGTERM.
"""

import argparse
import asyncio
import itertools
import json
import os
import signal
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


# aiosmtpd sets its own deprecated Session.login_data on every AUTH; the
# warning would only clutter the test output.
warnings.filterwarnings("ignore", message="Session.login_data is deprecated")


class Sink:
    def __init__(self, directory, rejected, reject_reply):
        self.directory = directory
        self.rejected = {address.lower() for address in rejected}
        self.reject_reply = reject_reply
        self.numbers = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.rejected:
            return self.reject_reply or f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        credentials = session.auth_data
        login = credentials.login.decode() if isinstance(credentials, LoginPassword) else None
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_login": login,
            "data": envelope.original_content.decode("utf-8"),
        }
        path = os.path.join(self.directory, f"{next(self.numbers)}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            json.dump(record, out)
        # The rename makes the file appear whole or not at all.
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


def authenticator_for(credentials):
    login, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == login
              and auth_data.password.decode() == password)
        # handled=False lets aiosmtpd answer a failure with "535 5.7.8" itself.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    return authenticate


async def serve(arguments):
    reply = bytes.fromhex(arguments.reject_reply) if arguments.reject_reply else None
    handler = Sink(arguments.dir, arguments.reject, reply)
    options = {}
    if arguments.auth:
        options = {"authenticator": authenticator_for(arguments.auth), "auth_require_tls": False}
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="sink.test", **options),
                                      "127.0.0.1", arguments.port)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)
    await stop.wait()
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--reject-reply")
    parser.add_argument("--auth")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
