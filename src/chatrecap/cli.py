"""The `chatrecap` command: a thin layer over the library.

Exit codes: 0 success; 1 an unexpected internal error (a bug: please report it);
2 the input or an option was wrong (the message says which and how to fix it).
"""

from __future__ import annotations

import os
import signal
import sys

# The recap's dense algebra works on small matrices (a few hundred answers), which OpenBLAS
# computes 3 to 10 times slower when it spreads them over threads on a small machine; set
# before numpy loads it, and only when the user has not chosen.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from collections import Counter  # noqa: E402
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from chatrecap import __version__
from chatrecap.analysis.sessions import (
    DEFAULT_GAP_MINUTES,
    DEFAULT_MIN_POSTS,
    Session,
    find_sessions,
    pick_session,
    slug,
    window_session,
)
from chatrecap.errors import ChatrecapError, OptionError, RecordError
from chatrecap.store import DB_ENV, Store, open_store, parse_id, resolve_db, zulu
from chatrecap.zones import named_zone

if TYPE_CHECKING:
    from chatrecap.importer import FileReport

EXIT_OK, EXIT_BUG, EXIT_USER = 0, 1, 2
#: Per file, at most this many record warnings are printed unless --verbose.
MAX_WARNINGS_SHOWN = 20

app = typer.Typer(
    name="chatrecap",
    help="Recaps of moderated hashtag chats: import any common archive into one workspace.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# In a pipe rich would wrap tables at 80 columns; a wide table reads better in a log.
# markup=False: names and texts from archives print as they are ("[x]" is no style);
# the few styled messages ask for markup themselves and escape what they quote.
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False,
              width=None if sys.stderr.isatty() else 200)
out = Console(highlight=False, soft_wrap=True, markup=False,
              width=None if sys.stdout.isatty() else 200)


class State:
    db: str | None = None
    verbose: bool = False


state = State()


DbOption = Annotated[str | None, typer.Option(
    "--db", help=f"Workspace: a SQLite file or a postgresql:// URL. Default: ${DB_ENV}, "
    "else ./chatrecap.db.", show_default=False)]


def _use_db(db: str | None) -> None:
    """--db may come before the command or after it."""
    if db:
        state.db = db


def _read_db(db: str | None) -> None:
    """``_use_db`` for a command that reads a workspace: one that does not exist is a
    mistyped --db, not an empty workspace to create (and report "0 posts" of)."""
    _use_db(db)
    where = resolve_db(state.db)
    if "://" not in where and not Path(where).exists():
        folder = Path(where).parent
        why = f"the folder {folder} does not exist" if not folder.is_dir() else "no such file"
        raise _fail(f"No workspace at {where} ({why}; check --db or {DB_ENV}); `chatrecap import` "
                    "makes one.")


def _version(value: bool) -> None:
    if value:
        out.print(f"chatrecap {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: DbOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="Show every warning and error details.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    state.db = db
    state.verbose = verbose


def _fail(message: str, code: int = EXIT_USER) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}", markup=True)
    return typer.Exit(code)


def _table_or_json(fmt: str, command: str) -> None:
    """Refuse a --format other than the two every listing command offers."""
    if fmt not in ("table", "json"):
        raise _fail(f"Unknown --format {fmt!r} for {command}; use table or json.")


def _print_json(data: Any) -> None:
    """What a command's --format json prints: indented, one newline at the end."""
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    TaskProgressColumn(), TextColumn("{task.fields[records]:,} records"),
                    TimeElapsedColumn(), TimeRemainingColumn(),
                    console=err, transient=True, disable=not err.is_terminal)


@app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="Archive files, zips or folders (a "
                                                "folder that is no export stands for its files); "
                                                "a file compressed with gzip, bzip2, xz or zstd "
                                                "is read as the file it holds, a zip or tar of "
                                                "archives as the archives in it; - reads the "
                                                "standard input.",
                                                show_default=False)],
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="Skip detection and read the files as this format "
        "(see `chatrecap formats`).")] = None,
    tz: Annotated[str | None, typer.Option(
        "--tz", help="Time zone of naive timestamps in the archive, e.g. America/New_York.")] = None,
    chat: Annotated[str | None, typer.Option(
        "--chat", help="Chat the posts belong to. Default: the archive's channel or query, "
        "else the file name.")] = None,
    column_map: Annotated[str | None, typer.Option(
        "--map", help="Column map for --format csv: field=column,... "
        "(e.g. text=content,author=username,time=datetime).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first bad record.")] = False,
    no_raw: Annotated[bool, typer.Option("--no-raw", help="Do not keep the raw records "
                                         "(smaller workspace).")] = False,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, max=32, help="Processes for large JSONL files. Default: one per "
        "core plus one; 1 imports in this process.", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Import chat archives into the workspace (re-importing never duplicates anything)."""
    _use_db(db)
    # Imported here, not at the top: `recap` and the other commands start faster without.
    from chatrecap.importer import StrictStop, expand_folders, import_file
    from chatrecap.sources import get_source
    from chatrecap.sources.base import ReadOptions

    try:
        options = ReadOptions(tz=named_zone(tz, "--tz"), chat=chat)
        if fmt:
            get_source(fmt)  # an unknown name fails here, before any file is opened
        if column_map:
            from chatrecap.sources.csv_generic import parse_column_map
            options.column_map = parse_column_map(column_map)
        if chat is not None and not chat.strip():
            raise OptionError("--chat takes a name; leave it out to name the chat after the archive.")
        store = open_store(state.db)
    except ChatrecapError as exc:
        raise _fail(str(exc)) from None
    if chat is not None:  # "#pstweetchat" for a chat the workspace holds as "#PSTweetChat" is that chat
        known = next((name for name in store.chats() if name.casefold() == chat.strip().casefold()), None)
        if known is not None and known != chat:
            err.print(f"note: --chat {chat!r} is the workspace's chat {known!r}: its posts go there.")
        options.chat = known or chat.strip()
    reports: list[FileReport] = []
    shown: Counter[str] = Counter()  # per file given (a zip of archives: all its entries')
    current = [""]

    def on_problem(problem: RecordError) -> None:
        if strict and problem.skipped:
            return  # (it stops the import: the error that ends it says it, once)
        shown[current[0]] += 1
        if state.verbose or shown[current[0]] <= MAX_WARNINGS_SHOWN:
            label = "warning" if problem.skipped else "note"
            err.print(f"[yellow]{label}:[/yellow] {escape(str(problem))}", markup=True)

    stopped = None
    left_out: set[int] = set()  # reports of files of a folder of archives that were no archive
    with _said_if_interrupted(), store, _progress() as progress:
        for path, folder in expand_folders(files, fmt):
            current[0] = str(path)
            task = progress.add_task(f"Importing {path.name}", total=None, records=0)
            size = path.stat().st_size if path.is_file() else None

            done = [0]  # records so far in this file

            def advance(records: int, end: int | None, task: TaskID = task,
                        size: int | None = size, done: list[int] = done) -> None:
                done[0] += records
                if end is not None and size:
                    progress.update(task, total=size, completed=end, records=done[0])
                else:
                    progress.update(task, records=done[0])

            try:
                report = import_file(store, path, fmt, options, strict, on_problem, advance,
                                     keep_raw=not no_raw, workers=workers)
            except StrictStop as exc:
                stopped = exc
                break
            finally:
                progress.remove_task(task)
            reports.append(report)
            if report.failed and folder is not None and report.unrecognised and not strict:
                # (a README or a picture beside the archives: as a bundle's, left out)
                left_out.add(id(report))
                said = report.error or f"{path}: not {fmt} at all"
                err.print(f"[yellow]warning:[/yellow] {escape(said.removesuffix('.'))}; left out.",
                          markup=True)
            elif report.error:
                label = "[yellow]note:[/yellow]" if report.empty else "[red]error:[/red]"
                err.print(f"{label} {escape(report.error)}", markup=True)
                if strict and not report.empty:
                    break  # (--strict stops at the first problem, a file that cannot be read too)
            hidden = shown[str(path)] - MAX_WARNINGS_SHOWN
            if hidden > 0 and not state.verbose:
                err.print(f"... and {hidden:,} more warnings for {path} (see them with --verbose).")
    if reports:
        out.print(_summary(reports))
    if stopped is not None:
        raise _fail(str(stopped))
    if not reports:  # (only folders were given, and they hold no file)
        raise _fail("; ".join(f"{f}: a folder with no files in it (hidden ones aside)" for f in files))
    if left_out and all(id(r) in left_out for r in reports):
        raise _fail("no file given holds a chat archive chatrecap reads; if one is an export, name "
                    "its format with --format (see `chatrecap formats`).")
    # An empty file (the last page of a paged download) fails only an import of nothing else.
    if any(r.failed and not r.empty and id(r) not in left_out for r in reports) or all(
            r.failed for r in reports):
        raise typer.Exit(EXIT_USER)


@contextmanager
def _said_if_interrupted() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:  # (Ctrl-C, or SIGTERM: see _on_sigterm)
        err.print("Interrupted; what was imported so far is kept, run the import again to "
                  "complete it.")
        raise


def _summary(reports: list[FileReport]) -> Table:
    table = Table(title="Import summary", title_justify="left")
    for column in ("file", "format", "records read", "posts imported", "duplicates",
                   "referenced", "skipped", "time", "rate"):
        table.add_column(column, justify="left" if column in ("file", "format", "skipped")
                         else "right")
    for r in reports:
        skipped = ", ".join(f"{kind}: {n:,}" for kind, n in sorted(r.skipped.items())) or "0"
        if r.error:
            skipped = "file not read"
        table.add_row(Path(r.path).name, r.format, f"{r.records:,}", f"{r.new:,}",
                      f"{r.duplicates:,}", f"{r.referenced:,}", skipped, f"{r.elapsed:.2f} s",
                      f"{r.rate:,.0f}/s")
    if len(reports) > 1:
        elapsed = sum(r.elapsed for r in reports)
        records = sum(r.records for r in reports)
        table.add_row("total", "", f"{records:,}", f"{sum(r.new for r in reports):,}",
                      f"{sum(r.duplicates for r in reports):,}",
                      f"{sum(r.referenced for r in reports):,}",
                      f"{sum(sum(r.skipped.values()) for r in reports):,}", f"{elapsed:.2f} s",
                      f"{records / elapsed if elapsed else 0:,.0f}/s")
    return table


@app.command()
def stats(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    db: DbOption = None,
) -> None:
    """Counts per platform, per chat and in total."""
    _read_db(db)
    _table_or_json(fmt, "stats")
    try:
        with open_store(state.db) as store:
            data = store.stats()
    except ChatrecapError as exc:
        raise _fail(str(exc)) from None
    if fmt == "json":
        _print_json(data)
        return
    total = data["total"]
    out.print(f"Workspace {data['workspace']}: {_count(total['posts'], 'post')} "
              f"({_count(total['referenced'], 'referenced post')} besides), "
              f"{_count(total['authors'], 'author')}, {_count(total['chats'], 'chat')}.")
    table = Table(title="Per platform", title_justify="left")
    for column in ("platform", "posts", "referenced", "authors"):
        table.add_column(column, justify="left" if column == "platform" else "right")
    for name, row in data["platforms"].items():
        table.add_row(name, f"{row['posts']:,}", f"{row['referenced']:,}", f"{row['authors']:,}")
    out.print(table)
    table = Table(title="Per chat", title_justify="left")
    for column in ("chat", "posts", "authors", "first post (UTC)", "last post (UTC)"):
        table.add_column(column, justify="right" if column in ("posts", "authors") else "left")
    for name, row in data["chats"].items():
        table.add_row(name, f"{row['posts']:,}", f"{row['authors']:,}",
                      _minute(row["first"]), _minute(row["last"]))
    out.print(table)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _minute(value: str | None) -> str:
    """'2021-12-03T21:19:02.914Z' -> '2021-12-03 21:19' for tables."""
    return value[:16].replace("T", " ") if value else ""


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl (canonical posts).")] = "jsonl",
    chat: Annotated[str | None, typer.Option(
        "--chat", help="Only this chat's posts (and the posts they reference).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="File to write. Default: standard output.")] = None,
    no_raw: Annotated[bool, typer.Option("--no-raw", help="Leave out the raw records.")] = False,
    db: DbOption = None,
) -> None:
    """Write the workspace as canonical JSONL, one post per line."""
    _read_db(db)
    from chatrecap.export import write_jsonl

    if fmt != "jsonl":
        raise _fail(f"Unknown --format {fmt!r} for export; use jsonl.")
    try:
        with open_store(state.db) as store:
            if chat is not None and chat not in store.chats():
                known = ", ".join(store.chats()) or "none yet"
                raise OptionError(f"No chat named {chat!r} in the workspace (chats: {known}).")
            if output is None:
                count = write_jsonl(store, sys.stdout.buffer, chat, not no_raw)
                sys.stdout.buffer.flush()
            else:
                with output.open("wb") as fh:
                    count = write_jsonl(store, fh, chat, not no_raw)
    except ChatrecapError as exc:
        raise _fail(str(exc)) from None
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_OK) from None
    except OSError as exc:
        raise _fail(f"{output or 'stdout'}: cannot be written ({exc.strerror or exc}).") from None
    err.print(f"Exported {_count(count, 'post')}.")


@app.command()
def formats() -> None:
    """List the archive formats chatrecap reads (the values of --format)."""
    from chatrecap.sources import all_sources

    table = Table(title="Formats", title_justify="left")
    table.add_column("--format")
    table.add_column("name")
    table.add_column("what it reads")
    for source in all_sources():
        table.add_row(source.id, source.name, source.description)
    out.print(table)


ChatOption = Annotated[str | None, typer.Option(
    "--chat", help="The chat (see `chatrecap stats`). Default: the workspace's only chat.")]
GapOption = Annotated[float, typer.Option(
    "--gap", help="Minutes of silence that end a session.", min=1)]
MinPostsOption = Annotated[int, typer.Option(
    "--min-posts", help="Fewest posts a session has; smaller bursts are stray posts.", min=2)]
HostOption = Annotated[list[str] | None, typer.Option(
    "--host", help="A moderator's handle (repeat for several); detected if not given.")]
FromOption = Annotated[str | None, typer.Option(
    "--from", help="Take the session as the posts from this time (ISO 8601; UTC unless it "
    "names its zone) instead of finding sessions.")]
ToOption = Annotated[str | None, typer.Option(
    "--to", help="End (exclusive) of the session given with --from.")]


def _time_option(value: str, name: str) -> datetime:
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise OptionError(f"{name} {value!r} is not a time; write it as 2024-03-14T18:00 "
                          "(UTC) or 2024-03-14T14:00-04:00.") from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _chat_of(store: Store, chat: str | None) -> str:
    chats = store.chats()
    if chat is not None:
        if chat not in chats:
            known = ", ".join(chats) or "none yet"
            raise OptionError(f"No chat named {chat!r} in the workspace (chats: {known}).")
        return chat
    if len(chats) == 1:
        return chats[0]
    if not chats:
        raise OptionError("The workspace holds no chat yet; `chatrecap import FILE` first.")
    raise OptionError("The workspace holds several chats; name one with --chat: "
                      + ", ".join(chats) + ".")


def _sessions(store: Store, chat: str, gap: float, min_posts: int, start: str | None,
              end: str | None) -> list[Session]:
    if start or end:
        if not (start and end):
            raise OptionError("--from and --to go together.")
        return [window_session(store, chat, _time_option(start, "--from"),
                               _time_option(end, "--to"))]
    return find_sessions(store, chat, gap=timedelta(minutes=gap), min_posts=min_posts)


@app.command()
def sessions(
    chat: ChatOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    host: HostOption = None,
    gap: GapOption = DEFAULT_GAP_MINUTES,
    min_posts: MinPostsOption = DEFAULT_MIN_POSTS,
    start: FromOption = None,
    end: ToOption = None,
    db: DbOption = None,
) -> None:
    """List the live sessions of a chat: dense bursts of posts, stray posts left out."""
    _read_db(db)
    _table_or_json(fmt, "sessions")
    from chatrecap.analysis.corpus import load_corpus
    from chatrecap.analysis.structure import detect_hosts

    rows = []
    with open_store(state.db) as store:
        name = _chat_of(store, chat)
        given = _hosts(store, name, host)
        for session in _sessions(store, name, gap, min_posts, start, end):
            corpus = load_corpus(store, name, *session.window)
            hosts = [corpus.authors[a].handle for a in detect_hosts(corpus, given)]
            rows.append({"id": session.id, "chat": session.chat, "start": zulu(session.start, True),
                         "end": zulu(session.end, True), "posts": session.posts,
                         "participants": session.participants, "hosts": hosts})
    if fmt == "json":
        _print_json(rows)
        return
    table = Table(title=f"Sessions of {name}", title_justify="left")
    for column in ("id", "start (UTC)", "end", "posts", "participants", "hosts"):
        table.add_column(column, justify="right" if column in ("posts", "participants")
                         else "left")
    for row in rows:
        end = _minute(row["end"])  # its time alone, unless the session runs into another day
        table.add_row(row["id"], _minute(row["start"]), end[11:] if end[:10] == row["start"][:10] else end,
                      f"{row['posts']:,}", f"{row['participants']:,}",
                      ", ".join("@" + h for h in row["hosts"]))
    out.print(table)
    if not rows:
        out.print("No session found: no burst of posts is big enough (see --gap, --min-posts, "
                  "or give --from/--to).")


def _handles(values: list[str] | None) -> tuple[str, ...]:
    """--host a --host b, or --host a,b; '@' optional."""
    return tuple(h.strip().lstrip("@") for v in values or () for h in v.split(",") if h.strip())


def _hosts(store: Store, chat: str, values: list[str] | None) -> tuple[str, ...]:
    """The --host handles as the chat's authors write them, each one an author of the chat:
    a mistyped one would leave the session without a host (and its questions unfound)
    without a word. A Mastodon address names a local account by its own part too."""
    handles = _handles(values)
    posted = store.chat_handles(chat) if handles else {}
    found = [posted.get(h.lower()) or posted.get(h.split("@")[0].lower()) for h in handles]
    unknown = [h for h, f in zip(handles, found, strict=True) if f is None]
    if unknown:
        raise OptionError(f"--host: nobody in {chat} posts as " + ", ".join(f"@{h}" for h in unknown)
                          + " (`chatrecap accounts` lists the handles).")
    return tuple(f for f in found if f is not None)


def _formats(value: str) -> list[str]:
    from chatrecap.render import RENDERERS

    wanted = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in RENDERERS]
    if unknown or not wanted:
        raise OptionError(f"Unknown --format {','.join(unknown) or value!r}; use any of "
                          + ",".join(RENDERERS) + ".")
    return wanted


def _write_recap(store: Store, session: Session, series: list[Session], hosts: tuple[str, ...],
                 title: str | None, formats: list[str], output: Path,
                 embeddings: bool = False, zone: ZoneInfo | None = None) -> list[Path]:
    from chatrecap.recap.build import RecapOptions, build_recap
    from chatrecap.render import write_recap
    from chatrecap.render._common import shown_in

    options = RecapOptions(hosts=hosts, title=title, embeddings=embeddings)
    recap = build_recap(store, session, options, series)
    try:
        output.mkdir(parents=True, exist_ok=True)
        with shown_in(zone):
            return write_recap(recap, output, formats)
    except OSError as exc:
        raise OptionError(f"{output}: cannot be written ({exc.strerror or exc}).") from None


@app.command()
def recap(
    session: Annotated[str | None, typer.Argument(
        help="Session id (see `chatrecap sessions`), a unique prefix of it or its date "
        "(2021-12-03). Default: the latest.", show_default=False)] = None,
    latest: Annotated[bool, typer.Option("--latest", help="The latest session.")] = False,
    every: Annotated[bool, typer.Option(
        "--all", help="Every session, each into its own folder <output>/<session id>/.")] = False,
    chat: ChatOption = None,
    host: HostOption = None,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="Comma-separated: md, html, json, wxr.")] = "md,html,json,wxr",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Folder to write into. Default: ./recap-<session id>/.",
        show_default=False)] = None,
    title: Annotated[str | None, typer.Option(
        "--title", help="Title of the recap. Default: '<topic> \\[#hashtag Recap]'.")] = None,
    embeddings: Annotated[bool, typer.Option(
        "--embeddings", help="Group answers into themes with sentence embeddings (the "
        "optional extra: pip install torch==2.13.0 'chatrecap\\[embeddings]').")] = False,
    tz: Annotated[str | None, typer.Option(
        "--tz", help="Show times in this zone, e.g. America/New_York (the JSON keeps UTC). "
        "Default: UTC.", show_default=False)] = None,
    gap: GapOption = DEFAULT_GAP_MINUTES,
    min_posts: MinPostsOption = DEFAULT_MIN_POSTS,
    start: FromOption = None,
    end: ToOption = None,
    db: DbOption = None,
) -> None:
    """Write the recap of a session: Markdown, HTML, JSON and WordPress WXR."""
    _read_db(db)
    if sum((latest, every, session is not None)) > 1:
        raise OptionError("Give only one of SESSION, --latest or --all.")
    formats = _formats(fmt)
    zone = named_zone(tz, "--tz")
    with open_store(state.db) as store:
        name = _chat_of(store, chat)
        hosts = _hosts(store, name, host)
        found = _sessions(store, name, gap, min_posts, start, end)
        if every:
            if not found:
                pick_session(found, None)  # says why there is none
            base = output or Path(f"recap-{slug(name)}")
            for chosen in found:
                _write_recap(store, chosen, found, hosts, title, formats, base / chosen.id, embeddings, zone)
            out.print(f"Recaps of {_count(len(found), 'session')} written to {base}/ "
                      f"(one folder per session).")
            return
        chosen = pick_session(found, session)
        folder = output or Path(f"recap-{chosen.id}")
        paths = _write_recap(store, chosen, found, hosts, title, formats, folder, embeddings, zone)
    out.print(f"Recap of {chosen.id} ({_count(chosen.posts, 'post')}, "
              f"{_count(chosen.participants, 'participant')}) written to {folder}/:")
    for path in paths:
        out.print(f"  {path}")


def _leader_rows(leaders: list, kind: str | None) -> list[dict]:
    rows = []
    for leader in leaders:
        if kind and leader.kind != kind:
            continue
        rows.append({
            "handle": leader.handle, "name": leader.name, "kind": leader.kind,
            "kind_confidence": leader.kind_confidence, "score": leader.score,
            "recognition": leader.recognition, "nominations": leader.nominations,
            "self_promotion": leader.self_promotion, "evidence": leader.evidence,
            "evidence_by": leader.evidence_by,
            "account_id": leader.account_id, "engagers": leader.engagers,
            "early_adopter": leader.early_adopter, "components": leader.components,
            "kind_evidence": list(leader.kind_evidence), "company": leader.company,
        })
    return rows


def _whole_stretch(store: Store, chat: str) -> str:
    """The command that ranks a chat's posts from its first day to its last, as a shell
    takes it ("#PSTweetChat" quoted: a shell reads "#" as a comment)."""
    import shlex

    span = store.chat_span(chat)
    if span is None:
        return f"chatrecap leaders --chat {shlex.quote(chat)} --from ... --to ..."
    after = datetime.fromisoformat(span[1][:10]) + timedelta(days=1)
    return f"chatrecap leaders --chat {shlex.quote(chat)} --from {span[0][:10]} --to {after:%Y-%m-%d}"


@app.command()
def leaders(
    session: Annotated[str | None, typer.Argument(
        help="Session id, prefix or date. Default: the latest session.",
        show_default=False)] = None,
    series: Annotated[str | None, typer.Option(
        "--series", help="Rank over every session of this chat instead of one session.",
        show_default=False)] = None,
    chat: ChatOption = None,
    people: Annotated[bool, typer.Option("--people", help="People only.")] = False,
    orgs: Annotated[bool, typer.Option("--orgs", help="Organisations only.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    weights: Annotated[str | None, typer.Option(
        "--weights", help="Weights of the score's parts, e.g. recognition=0.4,nominations=0.4,"
        "early=0.2,promotion=0.5 (promotion is subtracted).", show_default=False)] = None,
    top: Annotated[int, typer.Option("--top", help="Rows in the table (json and csv: all).",
                                     min=1)] = 20,
    host: HostOption = None,
    gap: GapOption = DEFAULT_GAP_MINUTES,
    min_posts: MinPostsOption = DEFAULT_MIN_POSTS,
    start: FromOption = None,
    end: ToOption = None,
    db: DbOption = None,
) -> None:
    """Who the community recognises: earned recognition, nominations, early ideas, minus
    self-promotion, with the posts behind each number."""
    _read_db(db)
    if fmt not in ("table", "json", "csv"):
        raise OptionError(f"Unknown --format {fmt!r} for leaders; use table, json or csv.")
    if people and orgs:
        raise OptionError("Give --people or --orgs, not both.")
    if series and (session or start or end):
        raise OptionError("Give a SESSION (or --from/--to) or --series CHAT, not both.")
    from chatrecap.analysis.corpus import chat_kinds
    from chatrecap.analysis.leaders import LeaderWeights, rank_leaders, series_inputs, session_inputs

    try:
        chosen_weights = LeaderWeights.parse(weights) if weights else LeaderWeights()
    except ValueError as exc:
        raise OptionError(f"--weights: {exc}.") from None
    with open_store(state.db) as store:
        name = _chat_of(store, series or chat)
        hosts = _hosts(store, name, host)
        if series:
            found = _sessions(store, name, gap, min_posts, None, None)
            if not found:
                raise OptionError(f"No session found in {name}: the chat has no burst of posts big enough "
                                  f"(see --gap and --min-posts). "
                                  f"Rank its posts over a stretch of time instead: "
                                  f"`{_whole_stretch(store, name)}`.")
            inputs = series_inputs(store, name, found, hosts)
            scope = f"{name}, {_count(len(found), 'session')}"
            held, total = len(inputs[0].posts), store.chat_post_count(name)
            if held < total / 2:  # (a challenge over weeks, a hashtag of a conference: no live hours)
                err.print(f"note: the sessions hold {held:,} of the chat's {total:,} posts; to rank them "
                          f"all, run `{_whole_stretch(store, name)}`.")
        else:
            found = _sessions(store, name, gap, min_posts, start, end)
            chosen = pick_session(found, session)
            inputs = session_inputs(store, chosen, hosts)
            scope = chosen.id
        corrections = store.kind_corrections()
        ranked = rank_leaders(*inputs, weights=chosen_weights, corrections=corrections,
                              kinds=chat_kinds(store, inputs[0], corrections))
    rows = _leader_rows(ranked, "person" if people else "organization" if orgs else None)
    if fmt == "json":
        _print_json(rows)
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        columns = ["handle", "name", "kind", "kind_confidence", "score", "recognition",
                   "engagers", "nominations", "early_adopter", "self_promotion", "evidence"]
        writer.writerow(columns)
        for row in rows:
            writer.writerow([" ".join(row[c]) if c == "evidence" else row[c] for c in columns])
        return
    table = Table(title=f"Thought leaders of {scope}", title_justify="left")
    for column in ("", "account", "kind", "score", "recognition", "engagers", "named by",
                   "early ideas", "self-promotion"):
        table.add_column(column, justify="left" if column in ("account", "kind") else "right")
    for i, row in enumerate(rows[:top], 1):
        who = f"@{row['handle']}" if row["handle"] else row["name"]
        table.add_row(str(i), who, f"{row['kind']} ({row['kind_confidence']:.0%})",
                      f"{row['score']:.3f}", f"{row['recognition']:.3f}",
                      str(row["engagers"]), str(row["nominations"]),
                      f"{row['early_adopter']:.1f}", f"{row['self_promotion']:.0%}")
    out.print(table)
    out.print("`--format json` lists the posts behind each number.")


@app.command()
def series(
    chat: ChatOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    gap: GapOption = DEFAULT_GAP_MINUTES,
    min_posts: MinPostsOption = DEFAULT_MIN_POSTS,
    db: DbOption = None,
) -> None:
    """A chat over time: participants per session, first-timers, returning people,
    retention from one session to the next, and rising voices."""
    _read_db(db)
    if fmt not in ("table", "json"):
        raise OptionError(f"Unknown --format {fmt!r} for series; use table or json.")
    from dataclasses import asdict

    from chatrecap.analysis.series import series_view

    with open_store(state.db) as store:
        name = _chat_of(store, chat)
        view = series_view(store, name, _sessions(store, name, gap, min_posts, None, None))
    if fmt == "json":
        data = {"chat": name, "sessions": [asdict(r) for r in view.sessions],
                "rising": [asdict(r) for r in view.rising]}
        _print_json(data)
        return
    if not view.sessions:  # (as `sessions` says it)
        out.print("No session found: no burst of posts is big enough (see --gap and --min-posts).")
        return
    table = Table(title=f"{name} over time", title_justify="left")
    for column in ("session", "posts", "people", "first time", "returning", "came back"):
        table.add_column(column, justify="left" if column == "session" else "right")
    for row in view.sessions:
        table.add_row(row.session_id, f"{row.posts:,}", str(row.participants), str(row.new),
                      str(row.returning),
                      "" if row.retention is None else f"{row.retention:.0%}")
    out.print(table)
    if view.rising:
        out.print("Rising voices (posts per session, latest sessions against the earlier ones): "
                  + ", ".join(f"@{r.handle} (+{r.change:.1f})" for r in view.rising) + ".")


@app.command()
def accounts(
    chat: ChatOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    set_kind: Annotated[list[str] | None, typer.Option(
        "--set-kind", help="Correct an account: HANDLE=person or HANDLE=organization "
        "(repeat for several); stored, it wins over the guess.")] = None,
    db: DbOption = None,
) -> None:
    """Every account of a chat, mentioned-only ones included: person or organisation,
    with how sure that is and why."""
    _read_db(db)
    if fmt not in ("table", "json"):
        raise OptionError(f"Unknown --format {fmt!r} for accounts; use table or json.")
    from chatrecap.analysis.corpus import load_corpus
    from chatrecap.analysis.kinds import account_kinds

    with open_store(state.db) as store:
        name = _chat_of(store, chat)
        corpus = load_corpus(store, name)
        guesses = account_kinds(corpus, store.kind_corrections())
        handles = {a.id: a.handle for a in corpus.authors.values()}
        spelled = {m.lower(): m for p in reversed(corpus.posts) for m in p.mentions}
        handles.update({k: spelled.get(k.split(":@", 1)[1], k.split(":@", 1)[1])
                        for k in guesses if ":@" in k and k not in handles})
        for item in set_kind or ():
            handle, _, kind = item.partition("=")
            kind = kind.strip().lower()
            if kind not in ("person", "organization"):
                raise OptionError(f"--set-kind {item!r}: write HANDLE=person or "
                                  "HANDLE=organization.")
            matches = [a for a, h in handles.items() if h.lower() == handle.strip().lstrip("@").lower()]
            if not matches:
                raise OptionError(f"--set-kind: no account @{handle.strip().lstrip('@')} in {name}.")
            for account_id in matches:
                store.set_kind(account_id, kind)
        if set_kind:
            guesses = account_kinds(corpus, store.kind_corrections())
    rows = [{"handle": handles.get(a, a), "name": corpus.authors[a].name if a in corpus.authors
             else None, "kind": g.kind, "kind_confidence": round(g.confidence, 3),
             "evidence": list(g.evidence), "account_id": a}
            for a, g in sorted(guesses.items(), key=lambda kv: handles.get(kv[0], kv[0]).lower())]
    if fmt == "json":
        _print_json(rows)
        return
    table = Table(title=f"Accounts of {name}", title_justify="left")
    for column in ("account", "name", "kind", "sure", "why"):
        table.add_column(column, justify="right" if column == "sure" else "left")
    for row in rows:
        table.add_row("@" + row["handle"], row["name"] or "", row["kind"],
                      f"{row['kind_confidence']:.0%}", "; ".join(row["evidence"][:2]))
    out.print(table)


ConfigOption = Annotated[Path | None, typer.Option(
    "--config", help="A TOML file of server settings (see docs/deploy.md); options given here win.",
    show_default=False)]


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(
        "--host", help="Address to listen on. Default: 127.0.0.1.", show_default=False)] = None,
    port: Annotated[int | None, typer.Option(
        "--port", help="Port to listen on. Default: 8000.", show_default=False)] = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="The site's public address (https://recaps.example.org): canonical "
        "links, the sitemap and mail use it. Default: $CHATRECAP_BASE_URL, else http://HOST:PORT.",
        show_default=False)] = None,
    smtp: Annotated[str | None, typer.Option(
        "--smtp", help="SMTP server for outgoing mail: smtp://host:port (smtps://, "
        "smtp+starttls://; user:password@ allowed). Default: $CHATRECAP_SMTP_URL.",
        show_default=False)] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Server processes. Default: 1.", show_default=False)] = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Run the web app: the admin area and the public blog with its comments."""
    _use_db(db)
    import uvicorn

    from chatrecap.web.settings import SETTINGS_ENV, load_settings

    settings = load_settings(config, db=state.db, host=host, port=port, base_url=base_url,
                             smtp=smtp, workers=workers)
    with open_store(settings.db) as store:  # create or migrate before the workers start
        from chatrecap.blog.auth import admin_count

        if not admin_count(store):
            err.print("No admin yet: create one with `chatrecap admin create` to use /admin.")
    os.environ[SETTINGS_ENV] = settings.to_json()  # the worker processes read it back
    out.print(f"Serving {settings.db} at http://{settings.host}:{settings.port}/ "
              f"(public address {settings.site_url}/); Ctrl+C stops.")
    uvicorn.run("chatrecap.web.app:app_from_environment", factory=True, host=settings.host,
                port=settings.port, workers=settings.workers, proxy_headers=True,
                forwarded_allow_ips=settings.forwarded_allow_ips, server_header=False,
                log_level="warning", access_log=False)


admin_app = typer.Typer(help="Admins of the web app.", no_args_is_help=True)
app.add_typer(admin_app, name="admin")


@admin_app.command("create")
def admin_create(
    username: Annotated[str, typer.Argument(help="Login name.")],
    email: Annotated[str | None, typer.Option(
        "--email", help="Where notifications of new comments go.", show_default=False)] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input (for scripts) "
        "instead of asking for it twice.")] = False,
    db: DbOption = None,
) -> None:
    """Create an admin (the first one, or another) who can log in at /admin."""
    _use_db(db)
    from chatrecap.blog.auth import create_admin

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with open_store(state.db) as store:
        create_admin(store, username, password, email=email)
    out.print(f"Admin {username!r} created; log in at /admin/login.")


@app.command()
def publish(
    session: Annotated[str, typer.Argument(help="Session id (see `chatrecap sessions`).")],
    slug: Annotated[str | None, typer.Option(
        "--slug", help="The post's address: /posts/SLUG. Default: from its title.",
        show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Publish a session's recap on the blog (with the edits made in the admin area)."""
    _use_db(db)
    from chatrecap.blog import posts, publishing
    from chatrecap.web.settings import load_settings

    settings = load_settings(db=state.db)
    with open_store(settings.db) as store:  # `chatrecap serve` sends the webmentions and the mail-out
        draft = posts.draft(store, posts.find_session(store, session))
        post, mailed = publishing.publish(store, settings, draft, slug)
    out.print(f"Published {post.title!r} at /posts/{post.slug}"
              + (f"; queued for {mailed} subscriber{'s' if mailed != 1 else ''}" if mailed else ""))


comments_app = typer.Typer(help="Moderate the blog's comments.", no_args_is_help=True)
app.add_typer(comments_app, name="comments")
CommentIds = Annotated[list[str], typer.Argument(help="Comment ids (see `chatrecap comments list`).",
                                                 metavar="ID", show_default=False)]


@comments_app.command("list")
def comments_list(
    pending: Annotated[bool, typer.Option("--pending", help="Only the comments waiting for "
                                          "moderation.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json (no email addresses).")] = "table",
    db: DbOption = None,
) -> None:
    """List comments, those waiting for moderation first."""
    _use_db(db)
    _table_or_json(fmt, "comments list")
    from chatrecap.blog.comments import list_comments

    with open_store(state.db) as store:
        found = list_comments(store, pending_only=pending)
    rows = [{"id": c.id, "post": c.post_slug, "parent_id": c.parent_id, "author": c.author_name,
             "website": c.author_url, "status": c.status,
             "created_at": zulu(datetime.fromisoformat(c.created_at), True), "text": c.body_markdown}
            for c in found]
    if fmt == "json":
        _print_json(rows)
        return
    table = Table(title="Comments", title_justify="left")
    for column in ("id", "status", "post", "reply to", "author", "posted (UTC)", "text"):
        table.add_column(column, justify="right" if column in ("id", "reply to") else "left")
    for row in rows:
        text = " ".join(row["text"].split())
        table.add_row(str(row["id"]), row["status"], row["post"], str(row["parent_id"] or ""),
                      row["author"], _minute(row["created_at"]), text[:70] + ("…" if len(text) > 70 else ""))
    out.print(table)
    if not rows:
        out.print("No comment is waiting for moderation." if pending else "No comments yet.")


def _moderate(action: str, ids: list[str], past: str) -> None:
    """Moderate every id that names a comment; name the others in one line, exit 2."""
    from chatrecap.blog.comments import moderate
    from chatrecap.web.settings import load_settings

    settings = load_settings(db=state.db)
    _moderate_ids(ids, past, lambda store, numbers: moderate(store, action, numbers, settings),
                  "No comment {}: `chatrecap comments list` shows the ids.")


def _moderate_ids(ids: list[str], past: str, apply: Callable[[Store, list[int]], list[int]],
                  missing: str) -> None:
    """``apply`` to the ids that are numbers (it answers those it found nothing for); say
    which were done, and name the rest in one line (``missing``), exit 2."""
    parsed = {i: parse_id(i) for i in ids}
    numbers = list(dict.fromkeys(n for n in parsed.values() if n is not None))
    with open_store(state.db) as store:
        unknown = apply(store, numbers)
    done = [n for n in numbers if n not in unknown]
    wrong = [i for i, n in parsed.items() if n is None or n in unknown]
    if done:
        out.print(f"{past}: {', '.join(map(str, done))}.")
    if wrong:
        raise _fail(missing.format(", ".join(wrong)))


@comments_app.command("approve")
def comments_approve(ids: CommentIds, db: DbOption = None) -> None:
    """Publish comments (and tell those who asked about replies to them)."""
    _use_db(db)
    _moderate("approve", ids, "Approved")


@comments_app.command("spam")
def comments_spam(ids: CommentIds, db: DbOption = None) -> None:
    """Mark comments as spam: hidden from the post."""
    _use_db(db)
    _moderate("spam", ids, "Marked as spam")


@comments_app.command("delete")
def comments_delete(ids: CommentIds, db: DbOption = None) -> None:
    """Delete comments: hidden from the post for good."""
    _use_db(db)
    _moderate("delete", ids, "Deleted")


mentions_app = typer.Typer(help="Moderate the webmentions and pingbacks the blog received.",
                           no_args_is_help=True)
app.add_typer(mentions_app, name="mentions")
MentionIds = Annotated[list[str], typer.Argument(help="Mention ids (see `chatrecap mentions list`).",
                                                 metavar="ID", show_default=False)]


@mentions_app.command("list")
def mentions_list(
    pending: Annotated[bool, typer.Option("--pending", help="Only the verified mentions waiting for "
                                          "moderation.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    db: DbOption = None,
) -> None:
    """List webmentions and pingbacks, those waiting for moderation first."""
    _use_db(db)
    _table_or_json(fmt, "mentions list")
    from chatrecap.blog.mentions import list_mentions

    with open_store(state.db) as store:
        found = list_mentions(store, pending_only=pending)
    rows = [{"id": m.id, "post": m.post_slug, "protocol": m.protocol, "kind": m.kind, "status": m.status,
             "source": m.source, "author": m.author_name, "title": m.title,
             "received_at": zulu(datetime.fromisoformat(m.received_at), True), "error": m.error}
            for m in found]
    if fmt == "json":
        _print_json(rows)
        return
    table = Table(title="Webmentions and pingbacks", title_justify="left")
    for column in ("id", "status", "post", "kind", "author", "received (UTC)", "source"):
        table.add_column(column, justify="right" if column == "id" else "left")
    for row in rows:
        kind = "pingback" if row["protocol"] == "pingback" else row["kind"] or "webmention"
        table.add_row(str(row["id"]), row["status"], row["post"], kind, row["author"] or "",
                      _minute(row["received_at"]), row["source"])
    out.print(table)
    if not rows:
        out.print("No mention is waiting for moderation." if pending else "No mentions yet.")


def _moderate_mentions(action: str, ids: list[str], past: str) -> None:
    """Moderate every id that names a mention (to approve: a verified one); name the others
    in one line, exit 2."""
    from chatrecap.blog.mentions import moderate

    what = "No verified mention" if action == "approve" else "No mention"
    _moderate_ids(ids, past, lambda store, numbers: moderate(store, action, numbers),
                  what + " {}: `chatrecap mentions list` shows the ids and their status.")


@mentions_app.command("approve")
def mentions_approve(ids: MentionIds, db: DbOption = None) -> None:
    """Show verified mentions under their post."""
    _use_db(db)
    _moderate_mentions("approve", ids, "Approved")


@mentions_app.command("spam")
def mentions_spam(ids: MentionIds, db: DbOption = None) -> None:
    """Mark mentions as spam: hidden, and kept hidden when they are sent again."""
    _use_db(db)
    _moderate_mentions("spam", ids, "Marked as spam")


@mentions_app.command("delete")
def mentions_delete(ids: MentionIds, db: DbOption = None) -> None:
    """Delete mentions: hidden from the post for good."""
    _use_db(db)
    _moderate_mentions("delete", ids, "Deleted")


subscribers_app = typer.Typer(help="The blog's mail subscribers: one address's data, exported or "
                                   "deleted.", no_args_is_help=True)
app.add_typer(subscribers_app, name="subscribers")
Address = Annotated[str, typer.Argument(help="The subscriber's email address (any case).",
                                        show_default=False)]


@subscribers_app.command("export")
def subscribers_export(address: Address, db: DbOption = None) -> None:
    """Print everything kept about one subscriber as JSON (subscription, consents, mail)."""
    _use_db(db)
    from chatrecap.blog import subscriptions

    with open_store(state.db) as store:
        data = subscriptions.export(store, address)
    if data is None:
        raise _fail("No subscriber has this address.")
    _print_json(data)


@subscribers_app.command("delete")
def subscribers_delete(address: Address, db: DbOption = None) -> None:
    """Delete everything kept about one subscriber: address, consents and mail."""
    _use_db(db)
    from chatrecap.blog import subscriptions

    with open_store(state.db) as store:
        if not subscriptions.delete(store, address):
            raise _fail("No subscriber has this address.")
    out.print("Deleted the subscriber's data: the address, its consent records and its mail.")


@app.command()
def demo(
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Folder for the example's recap.")] = Path("recap-demo"),
    db: DbOption = None,
) -> None:
    """Import the bundled example chat and write its recap in every format."""
    _use_db(db)
    from importlib.resources import as_file, files

    from chatrecap.importer import import_file
    from chatrecap.render import RENDERERS
    from chatrecap.sources.base import ReadOptions

    example = files("chatrecap") / "examples" / "b2bchat-example.jsonl"
    with as_file(example) as path, open_store(state.db) as store:
        report = import_file(store, Path(path), "twarc2", ReadOptions(chat="#B2Bchat"))
        out.print(_summary([report]))
        found = find_sessions(store, "#B2Bchat")
        chosen = pick_session(found, None)
        paths = _write_recap(store, chosen, found, (), None, list(RENDERERS), output)
    out.print(f"Recap of the example session {chosen.id} ({_count(chosen.posts, 'post')}, "
              f"{_count(chosen.participants, 'participant')}) written to {output}/:")
    for written in paths:
        out.print(f"  {written}")
    out.print(f"Open {output / 'recap.html'} in a browser, or run `chatrecap stats`.")


_main_pid = os.getpid()
_terminated = False


def _on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM (``kill``, a service stopped) ends a command as Ctrl-C does, so that what is
    open is closed on the way out: the batch being written rolled back, a compressed
    archive's temporary expansion removed. A forked worker (which inherits this) dies as it
    would without it."""
    global _terminated
    if os.getpid() != _main_pid:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    _terminated = True
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: user errors become one line and exit 2; bugs exit 1; Ctrl-C 130, and
    SIGTERM 143 (Typer turns the interruption into exit code 130)."""
    global _main_pid
    _main_pid = os.getpid()
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        app()
    except SystemExit as exc:
        if exc.code == 130 and _terminated:
            sys.exit(128 + signal.SIGTERM)
        raise
    except ChatrecapError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", markup=True)
        sys.exit(EXIT_USER)
    except Exception as exc:  # a bug: say so in one line, the traceback with --verbose
        if state.verbose:
            err.print_exception()
        err.print(f"[red]error:[/red] internal error ({type(exc).__name__}: "
                  f"{escape(str(exc))}); please "
                  "report it with the output of the same command run with --verbose.",
                  markup=True)
        sys.exit(EXIT_BUG)
