"""The `jrr` command: release, validate, diff, download and serve the dataset."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shlex
import sys
from pathlib import Path

from jrr.flows.problems import InputError

DASK_VARIABLE = "JRR_DASK_ADDRESS"


def main(argv: list[str] | None = None) -> int:
    """Run one `jrr` command; exit non-zero with a message a person can act on."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except InputError as error:
        print(error.report(), file=sys.stderr)
        return 1
    except CommandError as error:
        print(f"jrr {args.command}: {error}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as error:
        if error.name not in PIPELINE_MODULES:
            raise
        print(
            f"jrr {args.command}: this needs the maintainers' pipeline ({error.name} is not "
            "installed): run it in a checkout of the repository with `make release`, or install "
            "the project with its pipeline extra",
            file=sys.stderr,
        )
        return 1


# Modules only the pipeline extra installs: what `release`, `check` and `diff raw` need.
PIPELINE_MODULES = {"prefect", "yaml", "filelock", "matplotlib"}


class CommandError(Exception):
    """A failure the user can act on, printed without a traceback."""


def run_release(args: argparse.Namespace) -> int:
    """Build, validate, diff and publish (or, with --dry-run, show what would be published)."""
    from jrr.flows import prefect_settings, run_server

    root = args.root.resolve()
    _check_release_arguments(args)
    prefect_settings.configure(root)
    with run_server.temporary_server() as server:  # starting while the release gets ready
        try:
            from jrr.flows.publish import PublishError
            from jrr.flows.release import flow_for

            release_flow = flow_for(args.dask or os.environ.get(DASK_VARIABLE))
        except ModuleNotFoundError as error:
            raise CommandError(
                f"{error.name} is missing: the release pipeline needs the project's pipeline "
                "extra (make release installs it; or pip install -e '.[pipeline]'; --dask also "
                "needs prefect-dask and distributed, in the same extra)"
            ) from error
        if server is not None:
            from jrr.flows.warm_start import warm_up

            warm_up(root)
        try:
            run_server.wait_until_ready(server)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        prefect_settings.hide_expected_failures(InputError, PublishError)
        with prefect_settings.local_run():
            state = release_flow(
                root=root, note=args.note, date=args.date, dry_run=args.dry_run, return_state=True
            )
    try:
        outcome = state.result(raise_on_failure=True)
    except PublishError as error:
        raise CommandError(str(error)) from error
    for note in outcome.recovered:
        print(note)
    if outcome.repaired:
        print(f"brought pages derived from releases.json up to date: {', '.join(outcome.repaired)}")
    if outcome.version is None:
        print(f"dataset is up to date (latest release v{outcome.latest}); nothing published")
        return 0
    if outcome.published is None:
        print(f"would publish v{outcome.version} (dry run; nothing written)\n")
    else:
        print(f"published v{outcome.version} in {outcome.published.relative_to(root)}\n")
    print(outcome.changelog_section)
    return 0


def _check_release_arguments(args: argparse.Namespace) -> None:
    """Refuse a date that is not ISO 8601 and a note that would add changelog headings."""
    if args.date is not None:
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", args.date):
                raise ValueError(args.date)
            dt.date.fromisoformat(args.date)
        except ValueError as error:
            raise CommandError(f"--date {args.date!r} is not an ISO date (YYYY-MM-DD)") from error
    if args.note and any(line.lstrip().startswith("#") for line in args.note.splitlines()):
        raise CommandError("--note must not contain Markdown headings: they would split the log")


def run_check(args: argparse.Namespace) -> int:
    """Build and validate raw/ as a release would, without an orchestrator; publish nothing."""
    from jrr.flows.check import check

    root = args.root.resolve()
    try:
        print(check(root, args.files))
    except ValueError as error:
        raise CommandError(str(error)) from error
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """Check raw/ and every release, or one downloaded file or release folder."""
    root = args.root.resolve()
    if args.path is None:
        from jrr.flows.validate_project import validate_project

        problems = validate_project(root)
        what = "raw/ builds, every release matches its checksums and schema, nothing unreleased"
    else:
        from jrr.flows.validate_file import validate_file  # needs no orchestrator

        problems = validate_file(args.path, root)
        what = f"{args.path} is valid"
    if problems:
        raise InputError(problems, summary=f"{len(problems)} problem(s) found.")
    print(f"ok: {what}")
    return 0


def run_diff(args: argparse.Namespace) -> int:
    """Print what changed between two versions."""
    from jrr.flows.compare import UnknownVersionError, diff_specs, render_diff

    try:
        diff = diff_specs(args.old, args.new, args.root.resolve())
    except UnknownVersionError as error:
        raise CommandError(str(error)) from error
    except (InputError, ModuleNotFoundError):
        raise
    except Exception as error:  # an unreadable or invalid release: pyarrow, pandera, json, OS
        raise CommandError(
            f"cannot read {args.old} or {args.new} ({type(error).__name__}); "
            "run jrr validate on it to see what is wrong"
        ) from error
    print(render_diff(args.old, args.new, diff), end="")
    if args.csv:
        from jrr.flows.files import write_csv

        write_csv(diff.changes_frame(), args.csv)
    return 0


def run_download(args: argparse.Namespace) -> int:
    """Fetch a release, verifying every file; keep only verified files."""
    from jrr.flows.download import DownloadError, download_release

    try:
        folder = download_release(args.version, args.dest, args.base_url)
    except DownloadError as error:
        raise CommandError(str(error)) from error
    except OSError as error:
        raise CommandError(f"cannot write into {args.dest}: {error}") from error
    count = sum(1 for path in folder.iterdir() if path.is_file())
    print(f"{folder}: {count} files, each verified against its published SHA-256 and size")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """Browse a release in Datasette, over a cached SQLite database built from it."""
    try:
        from jrr.flows.serve import export, locate, prepare, run_datasette
    except ModuleNotFoundError as error:
        raise CommandError(
            f"{error.name} is missing: jrr serve needs the project's serve extra "
            "(make serve installs it; or pip install -e '.[serve]')"
        ) from error
    from jrr.flows.release_index import DownloadError

    if args.with_texts and not args.export:
        raise CommandError("--with-texts goes with --export: jrr serve always shows verified texts")
    try:
        if args.export:
            located = locate(args.root.resolve(), args.version, args.base_url)
            prepared, command = export(located, args.export, args.with_texts)
        else:
            prepared = prepare(args.root.resolve(), args.version, args.base_url)
    except DownloadError as error:
        raise CommandError(str(error)) from error
    except Exception as error:  # an unreadable or invalid release: pyarrow, pandera, json, OS
        raise CommandError(
            f"cannot serve release {args.version or 'latest'} ({type(error).__name__}: "
            f"{str(error).splitlines()[0] if str(error) else ''}); run jrr validate on it"
        ) from error
    texts = f"{prepared.texts_shown} of {prepared.articles} article texts verified and shown"
    if args.export:
        if not args.with_texts:
            texts = "article texts left out; --with-texts includes them"
        print(f"v{prepared.version} exported to {args.export} ({texts}); publish it with:")
        print("  " + " ".join(shlex.quote(part) for part in command))
        return 0
    how = "built" if prepared.rebuilt else "cached"
    print(f"v{prepared.version}: {how} database {_shown(prepared.database)}; {texts}", flush=True)
    run_datasette(prepared, args.host, args.port)
    return 0


def _shown(path: Path) -> str:
    """A path relative to the working folder where it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(prog="jrr", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser("release", help="build, validate, diff and publish a release")
    release.add_argument("--root", type=Path, default=Path("."), help="project folder")
    release.add_argument("--note", help="a note for the changelog section")
    release.add_argument("--date", help="release date (ISO 8601); default today")
    release.add_argument("--dry-run", action="store_true", help="show the release; write nothing")
    release.add_argument(
        "--dask",
        metavar="ADDRESS",
        help=f"run the per-article work on this Dask scheduler (default ${DASK_VARIABLE})",
    )
    release.set_defaults(run=run_release)

    check = commands.add_parser("check", help="check raw/ (or some articles) as a release would")
    check.add_argument("files", nargs="*", type=Path, help="articles or annotation files")
    check.add_argument("--root", type=Path, default=Path("."), help="project folder")
    check.set_defaults(run=run_check)

    validate = commands.add_parser("validate", help="check raw/ and every published release")
    validate.add_argument("path", nargs="?", type=Path, help="one release folder or table file")
    validate.add_argument("--root", type=Path, default=Path("."), help="project folder")
    validate.set_defaults(run=run_validate)

    diff = commands.add_parser("diff", help="what changed between two versions")
    diff.add_argument("old", help="a version (1.0.0), a release folder, or 'raw'")
    diff.add_argument("new", help="a version, a release folder, or 'raw' (what raw/ builds now)")
    diff.add_argument("--csv", type=Path, help="also write the record changes as changes.csv")
    diff.add_argument("--root", type=Path, default=Path("."), help="project folder")
    diff.set_defaults(run=run_diff)

    download = commands.add_parser("download", help="fetch a release and verify its checksums")
    download.add_argument("version", nargs="?", help="e.g. 1.0.0; default the latest")
    download.add_argument("--dest", type=Path, default=Path("jrr-data"), help="target folder")
    download.add_argument("--from", dest="base_url", help="base URL or folder of dataset/")
    download.set_defaults(run=run_download)

    serve = commands.add_parser("serve", help="browse a release in Datasette")
    serve.add_argument("version", nargs="?", help="e.g. 1.0.0; default the latest")
    serve.add_argument("--root", type=Path, default=Path("."), help="project folder")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8001, help="port (default 8001; 0 picks one)")
    serve.add_argument("--from", dest="base_url", help="download the release from this base URL")
    serve.add_argument(
        "--export",
        type=Path,
        help="write the database, metadata, templates and plugin here "
        "for `datasette publish`, and do not serve",
    )
    serve.add_argument(
        "--with-texts",
        action="store_true",
        help="with --export: include the article texts, which the published dataset leaves out",
    )
    serve.set_defaults(run=run_serve)
    return parser


if __name__ == "__main__":
    sys.exit(main())
