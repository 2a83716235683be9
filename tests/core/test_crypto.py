import pytest
from cryptography.exceptions import InvalidTag

from app.core import crypto


def test_encrypt_round_trip_and_random_nonce(app_ctx):
    a = crypto.encrypt("001190012345", b"ctx")
    b = crypto.encrypt("001190012345", b"ctx")
    assert a != b
    assert b"001190012345" not in a
    assert crypto.decrypt(a, b"ctx") == "001190012345"


def test_ciphertext_is_bound_to_its_context(app_ctx):
    blob = crypto.encrypt("001190012345", b"users.cccd")
    with pytest.raises(InvalidTag):
        crypto.decrypt(blob, b"other")


def test_tampering_is_detected(app_ctx):
    blob = bytearray(crypto.encrypt("001190012345", b"ctx"))
    blob[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.decrypt(bytes(blob), b"ctx")


def test_lookup_hash_is_keyed_and_stable(app, app_ctx, monkeypatch):
    h1 = crypto.lookup_hash("001190012345", b"ctx")
    assert h1 == crypto.lookup_hash("001190012345", b"ctx")
    assert "001190012345" not in h1
    monkeypatch.setitem(app.config, "DATA_KEY", "another key")
    assert crypto.lookup_hash("001190012345", b"ctx") != h1
