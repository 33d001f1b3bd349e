"""CLI: `python -m customer_segmentation.sparkserver start|stop|status` (make serve / make stop)."""

from __future__ import annotations

import argparse
import os
import sys

from customer_segmentation.sparkserver import server
from customer_segmentation.sparkserver.errors import ServerError
from customer_segmentation.sparkserver.settings import ServerSettings

COMMANDS = {"start": server.start, "stop": server.stop, "status": server.status}


def main(argv: list[str] | None = None) -> int:
    """Run one command; a ServerError becomes one line on stderr and a non-zero exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m customer_segmentation.sparkserver",
        description="The project's Spark server: HiveServer2 (Thrift) + Spark Connect, one JVM.",
    )
    parser.add_argument("command", choices=sorted(COMMANDS))
    args = parser.parse_args(argv)
    env = dict(os.environ)
    try:
        settings = ServerSettings.from_env(env, with_credentials=args.command == "start")
        if args.command == "start":
            return server.start(settings, env)
        return COMMANDS[args.command](settings)
    except ServerError as error:
        print(f"sparkserver {args.command}: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"sparkserver {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
