"""Publishing to a Milvus server over gRPC: a `milvus-lite` served at an address, as the replicas use it (slow).

milvus-lite 2.5.1 serves no aliases (every alias call answers UNIMPLEMENTED), so there the switch is
the pointer row, written by one client and read by another; a real Milvus server takes the alias path.
"""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import time

import pytest

from assistant.search.milvus import ALIAS, POINTER, MilvusBackend, _lite, connect, lite_server, live_collection, publish

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command, env = lite_server(folder / "units.db", f"127.0.0.1:{port}")
    process = subprocess.Popen(command, env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline and process.poll() is None, "milvus-lite did not start serving"
            time.sleep(0.2)
        yield f"milvus://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_served_milvus_lite_has_no_aliases_so_the_switch_is_the_pointer_row(index, server):
    client = connect(server)
    try:
        assert _lite(client)  # the alias calls were tried and answered UNIMPLEMENTED
        from pymilvus.exceptions import MilvusException

        with pytest.raises((MilvusException, Exception), match="UNIMPLEMENTED"):
            client.describe_alias(ALIAS)
    finally:
        client.close()
    first = publish(index, server)
    reader = connect(server)  # another client, as another replica or the next build job would be
    try:
        assert live_collection(reader) == first
        assert reader.query(POINTER, filter=f'name == "{ALIAS}"', output_fields=["target"])[0]["target"] == first
    finally:
        reader.close()


def test_two_builds_over_grpc_switch_when_whole_and_the_replica_on_the_old_one_keeps_it(index, server):
    first = publish(index, server)
    replica = MilvusBackend.open(server, index)
    rebuilt = dataclasses.replace(index, manifest={**index.manifest, "corpus_hash": "served rebuild"})
    second = publish(rebuilt, server)
    try:
        assert second != first
        client = connect(server)
        try:
            assert live_collection(client) == second
        finally:
            client.close()
        assert replica.collection == first  # searches by name: positions stay those of its own index
        assert replica.lexical(index.tokenizer.tokens("采煤沉陷区"), 3)
        fresh = MilvusBackend.open(server, rebuilt)
        try:
            assert fresh.collection == second
            assert fresh.units_of("coal") == replica.units_of("coal") == tuple(u for u in index.units if u.doc_id == "coal")
            assert fresh.statistics() == index.statistics
        finally:
            fresh.close()
    finally:
        replica.close()
