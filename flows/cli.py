"""The `jrr` command: release, validate, diff and download the dataset."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.problems import InputError


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


class CommandError(Exception):
    """A failure the user can act on, printed without a traceback."""


def run_release(args: argparse.Namespace) -> int:
    """Build, validate, diff and publish (or, with --dry-run, show what would be published)."""
    from flows import prefect_settings

    root = args.root.resolve()
    prefect_settings.configure(root)
    from flows.publish import PublishError
    from flows.release import release_flow

    state = release_flow(
        root=root, note=args.note, date=args.date, dry_run=args.dry_run, return_state=True
    )
    try:
        outcome = state.result(raise_on_failure=True)
    except PublishError as error:
        raise CommandError(str(error)) from error
    if outcome.version is None:
        print(f"dataset is up to date (latest release v{outcome.latest}); nothing published")
        return 0
    if outcome.published is None:
        print(f"would publish v{outcome.version} (dry run; nothing written)\n")
    else:
        print(f"published v{outcome.version} in {outcome.published.relative_to(root)}\n")
    print(outcome.changelog_section)
    return 0


def _parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(prog="jrr", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser("release", help="build, validate, diff and publish a release")
    release.add_argument("--root", type=Path, default=Path("."), help="project folder")
    release.add_argument("--note", help="a note for the changelog section")
    release.add_argument("--date", help="release date (ISO 8601); default today")
    release.add_argument("--dry-run", action="store_true", help="show the release; write nothing")
    release.set_defaults(run=run_release)
    return parser


if __name__ == "__main__":
    sys.exit(main())
