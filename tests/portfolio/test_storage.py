"""The evidence stores behind one port: the local folder, and S3 through boto3 against an
S3-compatible server running here over HTTP (moto's standalone server: a real S3 wire
protocol on a socket; no AWS account can be reached from this machine, so this is the
closest real part available)."""

from __future__ import annotations

import socket

import pytest

from lti_tool.portfolio.storage import LocalStore, S3Store, store_for


def _roundtrip(store) -> None:
    key = store.put(b"%PDF-1.4 test")
    assert store.get(key) == b"%PDF-1.4 test"
    for bad in ("../../etc/passwd", "short", "a/b" * 10):
        with pytest.raises(KeyError):
            store.get(bad)
    store.delete(key)
    with pytest.raises(KeyError):
        store.get(key)


def test_local_store(tmp_path):
    store = LocalStore(tmp_path / "ev")
    _roundtrip(store)
    assert not list((tmp_path / "ev").rglob("*.part"))


def test_s3_store_over_http(monkeypatch, tmp_path):
    boto3 = pytest.importorskip("boto3")
    server_mod = pytest.importorskip("moto.server")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"),
                            ("AWS_DEFAULT_REGION", "us-east-1")):
            monkeypatch.setenv(name, value)
        endpoint = f"http://127.0.0.1:{port}"
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="evidence")
        monkeypatch.setenv("MARSHRUT_EVIDENCE_S3_BUCKET", "evidence")
        monkeypatch.setenv("MARSHRUT_EVIDENCE_S3_ENDPOINT", endpoint)
        store = store_for(tmp_path)
        assert isinstance(store, S3Store)
        _roundtrip(store)
    finally:
        server.stop()
