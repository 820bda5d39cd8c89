import asyncio
import shutil
import sys

from tests.conftest import SAMPLE


async def test_async_transcode_succeeds(tmp_path):
    out = tmp_path / "async-out"
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "transcoder", str(SAMPLE), str(out))
    try:
        assert await proc.wait() == 0
    finally:
        shutil.rmtree(out, ignore_errors=True)


async def test_async_transcode_reports_start(job_record, tmp_path):
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "transcoder",
        "--job-id",
        job_record,
        str(SAMPLE),
        str(tmp_path / "async-out"),
        stdout=asyncio.subprocess.PIPE,
    )

    line = await proc.stdout.readline()

    assert line.startswith(b"transcoding")
