"""Linux ``SO_REUSEPORT`` groups: one listening socket per worker, steered by the parent.

The kernel spreads new connections over the sockets of a group. A worker that stops must
first stop receiving them: closing its socket would reset the connections queued in it
(unless ``net.ipv4.tcp_migrate_req`` is on), and stopping a worker that still accepts
closes any connection accepted before its request arrived. :class:`ReusePortGroup` keeps
the sockets in the kernel's order, so that a classic BPF program attached to the group
(``SO_ATTACH_REUSEPORT_CBPF``) can send new connections to every socket but the retiring
one; :func:`open_connections` tells when the retiring worker has none left.
"""

from __future__ import annotations

import ctypes
import os
import socket
import struct
import sys
from collections.abc import Sequence

__all__ = ["SUPPORTED", "ReusePortGroup", "open_connections"]

#: Whether this platform has reuseport groups with BPF steering and ``/proc`` to watch them.
SUPPORTED = sys.platform == "linux"

_SO_ATTACH_REUSEPORT_CBPF = 51
_SO_DETACH_REUSEPORT_BPF = 68
# Classic BPF opcodes of the steering program (see _program).
_LD_RXHASH = (0x20, 0xFFFFF000 + 32)  # BPF_LD|BPF_W|BPF_ABS, SKF_AD_OFF + SKF_AD_RXHASH
_MOD_K = 0x94  # BPF_ALU|BPF_MOD|BPF_K
_JEQ_K = 0x15  # BPF_JMP|BPF_JEQ|BPF_K
_RET_K = 0x06  # BPF_RET|BPF_K
_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp


class ReusePortGroup:
    """The listening sockets of one address, in the order the kernel indexes them.

    The kernel appends a socket to the group when it starts listening and, when one
    leaves, moves the last socket into its slot; :meth:`add` and :meth:`remove` mirror
    that. Every socket must be closed by :meth:`remove` only, once no other process holds
    it (a worker closes the sockets it does not serve as it starts).
    """

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []

    def add(self, sock: socket.socket, backlog: int) -> None:
        """Start ``sock`` listening (bound with ``SO_REUSEPORT``), at the group's end."""
        sock.listen(backlog)
        self.sockets.append(sock)

    def remove(self, sock: socket.socket) -> None:
        """Close ``sock``; the kernel moves the last socket into its slot."""
        index = self.sockets.index(sock)
        last = self.sockets.pop()
        if index < len(self.sockets):
            self.sockets[index] = last
        sock.close()

    def spread(self) -> None:
        """Go back to the kernel's own spreading (drop the program of :meth:`steer_away`)."""
        try:
            self.sockets[0].setsockopt(socket.SOL_SOCKET, _SO_DETACH_REUSEPORT_BPF, 0)
        except OSError:  # pragma: no cover - Linux before 5.3: steer over every socket
            self._attach(range(len(self.sockets)))

    def steer_away(self, retiring: socket.socket) -> None:
        """Send new connections to every socket of the group but ``retiring``."""
        self._attach([i for i, s in enumerate(self.sockets) if s is not retiring])

    def _attach(self, indices: Sequence[int]) -> None:
        program = _program(indices)
        code = ctypes.create_string_buffer(program, len(program))
        fprog = struct.pack("HL", len(program) // 8, ctypes.addressof(code))
        self.sockets[0].setsockopt(socket.SOL_SOCKET, _SO_ATTACH_REUSEPORT_CBPF, fprog)


def _program(indices: Sequence[int]) -> bytes:
    """A classic BPF program returning one of ``indices``, by the connection's hash.

    ``A = skb->hash % len(indices)``, then one ``if A == n: return indices[n]`` per index.
    """
    code = [_LD_RXHASH, (_MOD_K, len(indices))]
    jumps: list[tuple[int, int, int, int]] = []
    for n, index in enumerate(indices):
        jumps.append((_JEQ_K, 0, 1, n))  # A == n: the next instruction, else skip it
        jumps.append((_RET_K, 0, 0, index))
    jumps.append((_RET_K, 0, 0, indices[0]))
    parts = [struct.pack("HBBI", op, 0, 0, k) for op, k in code]
    parts += [struct.pack("HBBI", op, jt, jf, k) for op, jt, jf, k in jumps]
    return b"".join(parts)


def open_connections(pid: int, listener: socket.socket) -> int:
    """Connections process ``pid`` holds, plus those waiting in ``listener``'s accept queue.

    Read from ``/proc``: the socket inodes among the process's descriptors, looked up in
    ``/proc/net/tcp`` and ``/proc/net/tcp6``; a listening socket's receive queue there is
    its accept queue.
    """
    owned = set()
    fd_dir = f"/proc/{pid}/fd"
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return 0  # the process is gone
    for name in names:
        try:
            target = os.readlink(f"{fd_dir}/{name}")
        except OSError:
            continue
        if target.startswith("socket:["):
            owned.add(target[8:-1])
    queue = str(os.fstat(listener.fileno()).st_ino)
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as file:
                lines = file.readlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            inode, state = fields[9], fields[3]
            if inode == queue:
                count += int(fields[4].partition(":")[2], 16)
            elif inode in owned and state != _LISTEN:
                count += 1
    return count
