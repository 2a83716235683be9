"""The address checks behind every request to a user-supplied URL (push endpoints)."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from app.core import netguard


@pytest.mark.parametrize(("host", "address"), [
    ("127.1", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("2130706433", "127.0.0.1"),
    ("017700000001", "127.0.0.1"), ("0177.0.0.01", "127.0.0.1"), ("10.1", "10.0.0.1"),
    ("0", "0.0.0.0"), ("[::ffff:7f00:1]", "::ffff:7f00:1"), ("127.0.0.1.", "127.0.0.1"),
    ("push.example.org", None), ("fcm.googleapis.com", None),
])
def test_every_spelling_of_an_address_is_recognised(host, address):
    found = netguard.literal_address(host)
    assert (str(found) if found is not None else None) == address


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.0.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.251", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.0.8",
    "198.18.0.1", "192.0.2.1", "::1", "::", "fe80::1", "fc00::1", "fec0::1", "ff02::1",
    "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:c0a8:1::",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1",
])
def test_internal_and_reserved_addresses_are_not_public(address):
    assert not netguard.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "142.250.4.95", "2600:1901:0:92a9::",
                                     "64:ff9b::5db8:d822", "2002:5db8:d822::"])
def test_public_addresses_are(address):
    assert netguard.is_public(ipaddress.ip_address(address))


def test_loopback_only_when_allowed():
    assert netguard.is_public(ipaddress.ip_address("127.0.0.1"), allow_loopback=True)
    assert not netguard.is_public(ipaddress.ip_address("10.0.0.1"), allow_loopback=True)


def test_one_internal_answer_refuses_the_name(monkeypatch):
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443)),
               (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: answers)
    with pytest.raises(netguard.BlockedAddress):
        netguard.resolve_public("mixed.example.org", 443)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: answers[:1])
    assert netguard.resolve_public("public.example.org", 443) == "93.184.216.34"


def test_a_guarded_session_refuses_proxies_and_redirects():
    session = netguard.guarded_session()
    assert session.trust_env is False and session.max_redirects == 0
    with pytest.raises(netguard.BlockedAddress):
        session.get_adapter("https://x.example.org").proxy_manager_for("http://10.0.0.9:3128")
