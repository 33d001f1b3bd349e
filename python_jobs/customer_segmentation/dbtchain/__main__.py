"""CLI: `python -m customer_segmentation.dbtchain CMD [CMD ...] [-- dbt args for every command]`."""

from __future__ import annotations

import shlex
import shutil
import sys
import time
from pathlib import Path

from dbt.cli.main import dbtRunner


def run_chain(commands: list[str], common_args: list[str]) -> int:
    """Run each dbt command in turn with one dbtRunner; stop at the first failure."""
    runner = dbtRunner()
    for command in commands:
        args = [*shlex.split(command), *common_args]
        started = time.perf_counter()
        result = runner.invoke(args)
        elapsed = time.perf_counter() - started
        print(f"dbtchain: `dbt {_shown(args)}` took {elapsed:.1f} s", flush=True)
        _keep_run_results(args[0])
        if not result.success:
            if result.exception is not None:
                print(f"dbtchain: {result.exception}", file=sys.stderr)
            return 1
    return 0


def _shown(args: list[str], width: int = 60) -> str:
    """The command line for a log line, long arguments (a --vars file) shortened."""
    return " ".join(arg if len(arg) <= width else f"<{len(arg)} characters>" for arg in args)


def _keep_run_results(command: str, target: Path = Path("target")) -> None:
    """Keep each command's run_results.json (the next command overwrites it) for bench/."""
    results = target / "run_results.json"
    if results.exists():
        shutil.copyfile(results, target / f"run_results.{command}.json")


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
