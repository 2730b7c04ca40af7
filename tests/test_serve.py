"""`chatrecap serve` as users run it: a real process answering on loopback, settings from
a config file, and `chatrecap admin create` / `chatrecap publish` on the same workspace."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib.resources import as_file, files

from test_web_comments import free_port

CLI = [sys.executable, "-c", "from chatrecap.cli import main; main()"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_serve_publish_and_admin_from_the_command_line(tmp_path):
    db = str(tmp_path / "w.db")
    with as_file(files("chatrecap") / "examples" / "b2bchat-example.jsonl") as archive:
        assert run("--db", db, "import", str(archive), "--chat", "#B2Bchat").returncode == 0
    sessions = run("--db", db, "sessions", "--format", "json").stdout
    session = sessions.split('"id": "', 1)[1].split('"', 1)[0]
    published = run("--db", db, "publish", session, "--slug", "b2b-thought-leadership")
    assert published.returncode == 0, published.stderr
    assert "/posts/b2b-thought-leadership" in published.stdout
    short = run("--db", db, "admin", "create", "host", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    assert run("--db", db, "admin", "create", "host", "--password-stdin",
               stdin="a long enough password\n").returncode == 0
    assert run("--db", db, "publish", "nope-20990101-0000").stderr.count("\n") == 1

    port = free_port()
    config = tmp_path / "chatrecap.toml"
    config.write_text(f'port = {port}\nsite_title = "B2B recaps"\nbase_url = "https://recaps.example.org"\n')
    server = subprocess.Popen([*CLI, "--db", db, "serve", "--config", str(config)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/posts/b2b-thought-leadership") as r:
                    page = r.read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "chatrecap serve did not answer"
                time.sleep(0.2)
        assert "B2B recaps" in page
        assert '<link rel="canonical" href="https://recaps.example.org/posts/b2b-thought-leadership">' in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt") as r:
            assert "Sitemap: https://recaps.example.org/sitemap.xml" in r.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=20)
