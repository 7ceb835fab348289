"""Cold start: seconds from a new process to its output for --help, units, search, ask, brief, and the app's first answer.

    python bench/coldstart.py [--runs 5] [--only ask,app] [--corpus DIR] [--index DIR] [--quick] [--out DIR]

Each figure is `--runs` fresh processes of `python -m assistant …` (what the `assistant` script
runs) over the index in --index (default ASSISTANT_INDEX_DIR or index/, built first when missing
or stale, untimed); the app's figure is from starting `assistant serve` on a free port to the first
/ask answer received over HTTP. Prints the median and the max of each and writes
bench/results/coldstart.md; asserts nothing: the figures depend on the machine and its load (the
load average is printed beside them). The files are in the page cache after the first run, so
this is a restart, not a first boot.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import the checkout's package, not an installed one
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import ROOT, machine, table, write_result

QUERY = "江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？"
TOPIC = "采煤沉陷区综合治理"
FIGURES = ("help", "units", "search", "ask", "brief", "app")
COMMANDS = {
    "help": ["--help"],
    "units": ["units", "--json"],
    "search": ["search", QUERY, "--json"],
    "ask": ["ask", QUERY, "--json"],
    "brief": ["brief", TOPIC],
}
APP_TIMEOUT = 120.0  # seconds to wait for the app's first answer before calling the run failed
POLL = 0.02  # seconds between attempts while the app is not listening yet


def _environment(scratch: Path) -> dict[str, str]:
    """The commands' environment: this checkout's package, no LLM, no analytics, feedback kept out of the checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env |= {"GRADIO_ANALYTICS_ENABLED": "False", "ASSISTANT_LLM_BASE_URL": "", "ASSISTANT_FEEDBACK_DB": str(scratch / "feedback.sqlite3")}
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_command(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one fresh `python -m assistant ARGV` (it must succeed)."""
    cpu = _children_cpu()
    start = time.perf_counter()
    command = [sys.executable, "-m", "assistant", *argv]
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"assistant {' '.join(argv)} failed: {done.stderr.decode(errors='replace').strip()}")
    return seconds, _children_cpu() - cpu


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ask(url: str, question: str) -> dict | None:
    """The app's /ask answer through Gradio's REST API, or None while it is not listening."""
    request = urllib.request.Request(
        f"{url}/gradio_api/call/ask", data=json.dumps({"data": [question, [], None]}).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            event = json.loads(response.read())["event_id"]
    except (urllib.error.URLError, ConnectionError):
        return None
    with urllib.request.urlopen(f"{url}/gradio_api/call/ask/{event}", timeout=60) as response:
        for line in response.read().decode("utf-8").splitlines():
            if line.startswith("data:"):
                data = json.loads(line[5:])
                if isinstance(data, list) and data:
                    return data[0]
    raise RuntimeError("the app answered /ask without data")


def time_app(options: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds from starting `assistant serve` to its first /ask answer."""
    port = _free_port()
    env = env | {"ASSISTANT_PORT": str(port), "ASSISTANT_HOST": "127.0.0.1"}
    start = time.perf_counter()
    argv = [sys.executable, "-m", "assistant", *options, "serve"]
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < APP_TIMEOUT:
            if process.poll() is not None:
                raise RuntimeError(f"the app exited with {process.returncode} before answering")
            reply = _ask(f"http://127.0.0.1:{port}", QUERY)
            if reply is not None:
                if not reply.get("answer"):
                    raise RuntimeError(f"the app's first reply has no answer: {reply}")
                return time.perf_counter() - start, _process_cpu(process.pid)
            time.sleep(POLL)
        raise RuntimeError(f"no answer from the app within {APP_TIMEOUT:.0f} s")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(names: list[str], runs: int, corpus: Path, index_dir: Path, out_dir: Path | None = None) -> str:
    """Times each figure over `runs` cold processes; returns the report (Markdown)."""
    options = ["--corpus", str(corpus), "--index", str(index_dir)]
    with tempfile.TemporaryDirectory(prefix="bench-coldstart-") as scratch:
        env = _environment(Path(scratch))
        build = [sys.executable, "-m", "assistant", *options, "build", "--if-needed"]
        subprocess.run(build, cwd=ROOT, env=env, check=True, capture_output=True)
        before = machine()
        rows = []
        for name in names:
            if name == "app":
                samples = [time_app(options, env) for _ in range(runs)]
            else:
                samples = [time_command(COMMANDS[name] if name == "help" else [*options, *COMMANDS[name]], env) for _ in range(runs)]
            walls, cpus = [wall for wall, _ in samples], [cpu for _, cpu in samples]
            runs_text = " ".join(f"{s:.2f}" for s in walls)
            rows.append([name, f"{statistics.median(walls):.2f}", f"{max(walls):.2f}", f"{statistics.median(cpus):.2f}", runs_text])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    text = "\n\n".join(
        [
            f"Cold start: {runs} fresh processes per figure over {index_dir}. {before}; {load:.1f} at the end.",
            table(["figure", "median s", "max s", "median CPU s", "runs s"], rows),
            "help, units, search, ask, brief: `python -m assistant …` from spawn to exit; "
            "app: from spawning `assistant serve` to the first /ask answer over HTTP. "
            "CPU: user + system seconds of that process, what the figure would be on an idle machine.",
        ]
    )
    write_result("coldstart", text, out_dir)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold processes per figure (default 5)")
    parser.add_argument("--only", help=f"comma-separated figures among {', '.join(FIGURES)} (default all)")
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("ASSISTANT_CORPUS_DIR", ROOT / "corpus")))
    parser.add_argument("--index", type=Path, default=Path(os.environ.get("ASSISTANT_INDEX_DIR", ROOT / "index")))
    parser.add_argument("--quick", action="store_true", help="1 run of help, units and ask: checks that the benchmark runs")
    parser.add_argument("--out", type=Path, help="folder for coldstart.md (default bench/results)")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else (["help", "units", "ask"] if args.quick else list(FIGURES))
    unknown = sorted(set(names) - set(FIGURES))
    if unknown:
        parser.error(f"unknown figures: {', '.join(unknown)}")
    print(run(names, 1 if args.quick else args.runs, args.corpus.resolve(), args.index.resolve(), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
