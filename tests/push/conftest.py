"""Report factories, for push tests that trigger real notifications, and a fake DNS: push
tests never reach the network, and each says what a name resolves to."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from tests.reports.conftest import make_category, make_report  # noqa: F401  (fixtures)

PUBLIC_NAMES = {
    "fcm.googleapis.com": ["142.250.4.95"],
    "web.push.apple.com": ["17.188.128.6"],
    "updates.push.services.mozilla.com": ["34.107.221.82", "2600:1901:0:92a9::"],
    "push.example.org": ["93.184.216.34"],
}


class FakeDns:
    """``socket.getaddrinfo`` from a table; IP literals answer themselves; each call recorded."""

    def __init__(self):
        self.names: dict[str, list[str]] = {k: list(v) for k, v in PUBLIC_NAMES.items()}
        self.calls: list[str] = []

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        host = host.decode() if isinstance(host, bytes) else host
        self.calls.append(host)
        try:
            answers = [str(ipaddress.ip_address(host))]
        except ValueError:
            answers = self.names.get(host.rstrip(".").lower())
            if answers is None:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            if answers and callable(answers[0]):
                answers = answers[0]()
        result = []
        for address in answers:
            v6 = ":" in address
            sockaddr = (address, int(port or 0), 0, 0) if v6 else (address, int(port or 0))
            result.append((socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_STREAM, 6, "", sockaddr))
        return result


@pytest.fixture(autouse=True)
def dns(monkeypatch) -> FakeDns:
    fake = FakeDns()
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    return fake
