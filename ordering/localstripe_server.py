"""Run the `localstripe` server (a Stripe stand-in) on loopback.

    python -m ordering.localstripe_server --port 8420

Used by the demo when no Stripe keys are set, and by the tests. Unlike
localstripe's own command it binds 127.0.0.1 only and keeps its data in
memory (its command shares one pickle file in /tmp between all instances).
"""

import argparse
import logging


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8420)
    args = parser.parse_args()

    from aiohttp import web
    from localstripe import resources
    from localstripe.server import app

    # Every instance starts empty and forgets on exit.
    resources.store.dump_to_disk = lambda: None
    logging.basicConfig(level=logging.WARNING)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
