import subprocess
from pathlib import Path


def transcode_file(source: Path, target: Path) -> Path:
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-i", str(source), "-c:v", "libx264", "-preset", "veryfast", str(target)],
        check=True,
    )
    return target


def extract_frames(source: Path, out_dir: Path, count: int = 3) -> list[Path]:
    frames = []
    for index in range(count):
        target = out_dir / f"thumb-{index}.jpg"
        subprocess.run(
            ["ffmpeg", "-y", "-loglevel", "error", "-ss", str(index), "-i", str(source), "-frames:v", "1", str(target)],
            check=True,
        )
        frames.append(target)
    return frames
