"""CLI: `python -m dbtchain CMD [CMD ...] [-- dbt args for every command]`."""

from __future__ import annotations

import shlex
import sys
import time

from dbt.cli.main import dbtRunner


def run_chain(commands: list[str], common_args: list[str]) -> int:
    """Run each dbt command in turn with one dbtRunner; stop at the first failure."""
    runner = dbtRunner()
    for command in commands:
        args = [*shlex.split(command), *common_args]
        started = time.perf_counter()
        result = runner.invoke(args)
        elapsed = time.perf_counter() - started
        print(f"dbtchain: `dbt {' '.join(args)}` took {elapsed:.1f} s", flush=True)
        if not result.success:
            if result.exception is not None:
                print(f"dbtchain: {result.exception}", file=sys.stderr)
            return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Split argv at `--` into commands and arguments shared by every command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" in argv:
        split = argv.index("--")
        commands, common_args = argv[:split], argv[split + 1 :]
    else:
        commands, common_args = argv, []
    if not commands:
        print(__doc__, file=sys.stderr)
        return 2
    return run_chain(commands, common_args)


if __name__ == "__main__":
    sys.exit(main())
