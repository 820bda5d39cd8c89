import subprocess
import sys
import tempfile
from pathlib import Path


def export_command(course_id, out_dir):
    return [sys.executable, "-m", "pipeline.export", "--course-id", str(course_id), "--out", str(out_dir)]


def test_export_process_started(course, export_dir):
    proc = subprocess.Popen(export_command(course["id"], export_dir), stdout=subprocess.PIPE)
    assert proc.args[-1] == str(export_dir)


def test_export_in_temporary_directory(course):
    with tempfile.TemporaryDirectory() as out:  # error: TDL001
        proc = subprocess.Popen(export_command(course["id"], out))
        assert proc.pid > 0


def test_export_waited_in_temporary_directory(course):
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.Popen(export_command(course["id"], out))
        assert proc.wait(timeout=60) == 0
        assert (Path(out) / "course.json").exists()
