"""Tiny software renderer used by the farm's smoke tests."""

from pathlib import Path

import numpy as np
from PIL import Image

from .scene import Scene

TILE = 64


def render_scene(scene_path, out_dir):
    scene = Scene.load(scene_path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for frame in range(scene.frames):
        pixels = np.zeros((scene.height, scene.width, 3), dtype=np.uint8)
        pixels[..., 0] = (frame * 37) % 255
        target = out_dir / f"{scene.name}-{frame:04}.png"
        Image.fromarray(pixels).save(target)
        written.append(target)
    return written


def render_tile(tile_dir, index):
    tile_dir = Path(tile_dir)
    pixels = np.full((TILE, TILE, 3), index * 40 % 255, dtype=np.uint8)
    Image.fromarray(pixels).save(tile_dir / f"tile-{index}.png")
