import argparse
import http.server
import sys
import time
from functools import partial
from pathlib import Path

from .render import render_scene


def _serve_previews(cache):
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(cache))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        (Path(cache) / "server.port").write_text(str(server.server_address[1]))
        server.serve_forever()


def _thumbnail_daemon(cache):
    cache = Path(cache)
    while True:
        for png in cache.glob("*.png"):
            (cache / f"{png.stem}.thumb").write_bytes(png.read_bytes()[:256])
        time.sleep(0.2)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="renderfarm")
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("render")
    r.add_argument("scene")
    r.add_argument("--out", required=True)
    s = sub.add_parser("serve-previews")
    s.add_argument("--cache", required=True)
    t = sub.add_parser("thumbnail-daemon")
    t.add_argument("--cache", required=True)
    args = parser.parse_args(argv)
    if args.cmd == "render":
        frames = render_scene(args.scene, args.out)
        print(f"frames: {len(frames)}")
    elif args.cmd == "serve-previews":
        _serve_previews(args.cache)
    else:
        _thumbnail_daemon(args.cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
