"""python -m transcoder [--job-id ID] SOURCE OUTDIR

Writes OUTDIR/manifest.json first (the planned renditions), then one file per rendition.
"""
import argparse
import json
import sys
import time
import wave
from pathlib import Path

from transcoder.jobs import set_state

RENDITIONS = {"low": 8000, "mid": 22050, "high": 44100}


def transcode(source: Path, out_dir: Path, job_id: str | None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "manifest.json").write_text(json.dumps({"source": source.name, "renditions": list(RENDITIONS)}))
    print(f"transcoding {source.name}", flush=True)
    if job_id:
        set_state(job_id, "running")
    with wave.open(str(source)) as src:
        params = src.getparams()
        frames = src.readframes(params.nframes)
    for name, rate in RENDITIONS.items():
        with wave.open(str(out_dir / f"{name}.wav"), "wb") as dst:
            dst.setnchannels(params.nchannels)
            dst.setsampwidth(params.sampwidth)
            dst.setframerate(rate)
            dst.writeframes(frames)
        time.sleep(0.2)
    if job_id:
        set_state(job_id, "done", renditions=len(RENDITIONS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="transcode")
    parser.add_argument("--job-id")
    parser.add_argument("source", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    transcode(args.source, args.out_dir, args.job_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
