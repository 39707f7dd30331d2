"""An SMTP server for `make bench` that accepts every message.

Run as its own process (``python -m bench.smtpsink PORT FILE``) so that it
never competes with the benchmark driver for the GIL. It appends one line per
recipient of every message to FILE; the driver counts them (duplicates too).
"""

import signal
import sys
import threading


class Sink:
    def __init__(self, out):
        self.out = out
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        with self.lock:
            self.out.write("".join(f"{rcpt}\n" for rcpt in envelope.rcpt_tos))
            self.out.flush()
        return "250 Message accepted"


def main() -> None:
    from aiosmtpd.controller import Controller

    port, path = int(sys.argv[1]), sys.argv[2]
    with open(path, "w") as out:
        controller = Controller(Sink(out), hostname="127.0.0.1", port=port)
        controller.start()
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        signal.signal(signal.SIGINT, lambda *_: stopped.set())
        print(f"SMTP sink listening on 127.0.0.1:{port}", flush=True)
        stopped.wait()
        controller.stop()


if __name__ == "__main__":
    main()
