"""A TCP forwarder a fault test puts between a process and a server (PostgreSQL, Redis), so it can
cut the network between them: `cut()` resets every open connection and, until `restore()`, every
new one (as a peer that went away or a firewall that rejects), while the server itself stays up."""
from __future__ import annotations

import socket
import struct
import threading


def reset(sock: socket.socket) -> None:
    """Closes `sock` at once: the other side's next read fails. Shut down first, which wakes a
    thread blocked reading it (closing alone would not, and would leave the connection open)."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


class TcpProxy:
    """Listens on 127.0.0.1:`port` (a free one) and forwards each connection to `target`."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.is_cut = False
        self.cuts = 0
        self.lock = threading.Lock()
        self.open: set[socket.socket] = set()
        self.closed = False
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.is_cut:
                    reset(client)
                    continue
            try:
                upstream = socket.create_connection(self.target, timeout=10)
                upstream.settimeout(None)
            except OSError:
                reset(client)
                continue
            with self.lock:
                self.open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        with self.lock:
            for sock in (source, sink):
                if sock in self.open:
                    self.open.discard(sock)
                    reset(sock)

    def cut(self) -> None:
        """From now until restore(): every connection through the proxy fails."""
        with self.lock:
            self.is_cut = True
            self.cuts += 1
            for sock in self.open:
                reset(sock)
            self.open.clear()

    def restore(self) -> None:
        with self.lock:
            self.is_cut = False

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()
