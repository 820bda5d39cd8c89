import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import SAMPLE, poll_state, wait_for_file

CMD = [sys.executable, "-m", "transcoder"]


def test_transcode_produces_all_renditions():
    with tempfile.TemporaryDirectory() as work:
        proc = subprocess.Popen([*CMD, str(SAMPLE), work])
        assert proc.wait(timeout=120) == 0
        assert sorted(p.name for p in Path(work).glob("*.wav")) == ["high.wav", "low.wav", "mid.wav"]


def test_manifest_is_written_first():
    with tempfile.TemporaryDirectory() as work:  # error: TDL001
        subprocess.Popen([*CMD, str(SAMPLE), work])
        assert wait_for_file(Path(work) / "manifest.json", timeout=30)


def test_progress_line_printed(tmp_path):
    out = tmp_path / "renditions"
    try:
        with subprocess.Popen([*CMD, str(SAMPLE), str(out)], stdout=subprocess.PIPE) as proc:
            first_line = proc.stdout.readline()
        assert first_line.startswith(b"transcoding")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_job_marked_running(job_record, table, tmp_path):
    proc = subprocess.Popen([*CMD, "--job-id", job_record, str(SAMPLE), str(tmp_path / "out")])

    assert poll_state(table, job_record, "running", timeout=30)
    assert proc.pid > 0


def test_transcode_can_be_interrupted(job_record, tmp_path):
    proc = subprocess.Popen([*CMD, "--job-id", job_record, str(SAMPLE), str(tmp_path / "out")])
    try:
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=10)
