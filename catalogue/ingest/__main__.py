"""Read one document from the command line, without Django: ``python -m catalogue.ingest FILE --city CODE``.

Prints ``{"policies": [draft]}`` in the export JSON. The management command
``ingest_policy`` is the supported interface; this is for trying the reader alone.
"""

import argparse
import json
import sys
from pathlib import Path

from . import IngestError, read_file, read_policy, text_from_bytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m catalogue.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--city", required=True, help="city code (ascii)")
    parser.add_argument("--city-name")
    parser.add_argument("--title")
    args = parser.parse_args(argv)
    try:
        text = text_from_bytes(read_file(args.file), args.file.name)
        policy = read_policy(text, city_code=args.city, city_name=args.city_name, title=args.title)
    except IngestError as exc:
        message = str(exc)
        print(message if str(args.file) in message else f"{args.file}：{message}", file=sys.stderr)
        return 1
    json.dump({"policies": [policy]}, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
