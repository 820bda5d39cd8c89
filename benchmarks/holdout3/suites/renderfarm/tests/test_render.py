import multiprocessing
import shutil
import subprocess
import tempfile
from pathlib import Path

from app.render import render_scene, render_tile

from .conftest import CLI, DATA


def test_render_in_child_process(scene_dir):
    proc = multiprocessing.Process(target=render_scene, args=(scene_dir / "cube.scn", scene_dir / "out"))
    proc.start()
    proc.join(timeout=60)
    assert proc.exitcode == 0
    assert (scene_dir / "out" / "cube-0000.png").exists()


def test_render_with_spawn_context(scene_dir):
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=render_scene, args=(scene_dir / "cube.scn", scene_dir / "spawned"))
    proc.start()
    try:
        assert proc.pid is not None
    finally:
        proc.join(timeout=60)
        (scene_dir / "render.lock").unlink(missing_ok=True)


def test_cli_render_detached(output_dir):
    subprocess.Popen([*CLI, "render", str(DATA / "cube.scn"), "--out", str(output_dir)])
    assert output_dir.is_dir()


def test_cli_render_reports_frames():
    out = Path(tempfile.mkdtemp(prefix="cli-"))
    try:
        proc = subprocess.Popen(
            [*CLI, "render", str(DATA / "cube.scn"), "--out", str(out)], stdout=subprocess.PIPE, text=True
        )
        stdout, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        assert "frames: 1" in stdout
    finally:
        shutil.rmtree(out)


def test_first_tile_is_rendered(tile_dir):
    workers = [multiprocessing.Process(target=render_tile, args=(tile_dir, i)) for i in range(4)]
    for worker in workers:
        worker.start()
    workers[0].join(timeout=30)
    assert (tile_dir / "tile-0.png").exists()


class TestPreviewServer:
    def setup_method(self, method):
        self.cache_dir = Path(tempfile.mkdtemp(prefix="preview-"))
        self.server = subprocess.Popen([*CLI, "serve-previews", "--cache", str(self.cache_dir)])

    def teardown_method(self, method):
        self.server.terminate()
        self.server.wait(timeout=10)
        shutil.rmtree(self.cache_dir)

    def test_server_starts(self):
        assert self.server.poll() is None


class TestThumbnailDaemon:
    def setup_method(self, method):
        self.cache_dir = Path(tempfile.mkdtemp(prefix="thumbd-"))
        shutil.copy(DATA / "cube.scn", self.cache_dir)
        self.daemon = subprocess.Popen([*CLI, "thumbnail-daemon", "--cache", str(self.cache_dir)])

    def teardown_method(self, method):
        shutil.rmtree(self.cache_dir)  # error: TDL001
        self.daemon.kill()
        self.daemon.wait()

    def test_daemon_is_running(self):
        assert self.daemon.poll() is None
